//! Payloads of the login and two-factor events.

use uuid::Uuid;

use super::{payload, payloads_with};
use crate::event::domain::{
    AuthenticationThreat, ClientRisk, LoginFailedReason, MessageType, TwoFactorMethod, User,
};

payloads_with! {
    {
        /// The application logged in to.
        application_id: Uuid,
        /// How the user authenticated: `PASSWORD`, `PASSWORDLESS`, `GOOGLE`, ...
        authentication_type: String,
        /// The connector that authenticated the user (FusionAuth 1.18+).
        connector_id: Uuid,
        /// The identity provider, for a login through one.
        identity_provider_id: Uuid,
        /// Its name.
        identity_provider_name: String,
        /// The client's IP address (deprecated: see `info.ip_address`).
        ip_address: String,
        /// The user.
        user: User,
    }
    /// A user logged in from a device FusionAuth had not seen.
    UserLoginNewDevice,
    /// A user logged in.
    UserLoginSuccess,
    /// A login succeeded but looked suspicious to threat detection.
    UserLoginSuspicious {
        /// What made the login suspicious.
        threats_detected: Vec<AuthenticationThreat>,
    },
}

payload! {
    /// A login failed for an existing user (none is sent for an unknown login id).
    UserLoginFailed {
        /// The application.
        application_id: Uuid,
        /// How the user tried to authenticate.
        authentication_type: String,
        /// The client's IP address (deprecated: see `info.ip_address`).
        ip_address: String,
        /// Why the login failed (FusionAuth 1.53+).
        reason: LoginFailedReason,
        /// The user.
        user: User,
    }

    /// A two-factor challenge was issued (FusionAuth 1.68+).
    UserTwoFactorChallenge {
        /// The application.
        application_id: Uuid,
        /// How risky the client looked.
        client_risk: ClientRisk,
        /// The method challenged: `authenticator`, `email`, `sms`, ...
        method: String,
        /// The user.
        user: User,
    }
}

payloads_with! {
    {
        /// The application.
        application_id: Uuid,
        /// How risky the client looked.
        client_risk: ClientRisk,
        /// How an SMS method's code was delivered.
        message_type: MessageType,
        /// The method used: `authenticator`, `email`, `recoveryCode`, `sms`, ...
        method: String,
        /// The user.
        user: User,
    }
    /// A two-factor code was wrong (FusionAuth 1.68+). Both spellings of the
    /// type, `user.two-factor.failed-attempt` and `user.two-factor.failed.attempt`,
    /// are read as this event; the one sent is kept in the envelope.
    UserTwoFactorFailedAttempt,
    /// A two-factor challenge succeeded (FusionAuth 1.68+).
    UserTwoFactorSuccess,
}

payloads_with! {
    {
        /// The method.
        method: TwoFactorMethod,
        /// The user.
        user: User,
    }
    /// A two-factor method was added to a user.
    UserTwoFactorMethodAdd,
    /// A two-factor method was removed from a user.
    UserTwoFactorMethodRemove,
}
