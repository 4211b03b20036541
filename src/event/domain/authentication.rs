//! How users authenticate: two-factor methods, failed logins, refresh
//! tokens and links to identity providers.

use std::collections::BTreeMap;

use crate::event::JsonMap;
use uuid::Uuid;

use super::{IdentityProviderType, LoginFailedReasonCode, TotpAlgorithm, model};
use crate::event::Instant;

model! {
    /// A user's two-factor setup (`UserTwoFactorConfiguration`), without
    /// secrets: FusionAuth strips them from events.
    pub struct UserTwoFactorConfiguration {
        /// The enabled methods.
        methods: Vec<TwoFactorMethod>,
        /// The recovery codes (usually stripped from events).
        recovery_codes: Vec<String>,
    }
}

model! {
    /// One two-factor method of a user (`TwoFactorMethod`).
    pub struct TwoFactorMethod {
        /// The authenticator app settings, for the `authenticator` method.
        authenticator: AuthenticatorConfiguration,
        /// The address codes are sent to, for the `email` method.
        email: String,
        /// The method's id, a short string such as `2P24`.
        id: String,
        /// Whether this method was the last one used.
        last_used: bool,
        /// The method: `authenticator`, `email`, `sms`, ...
        method: String,
        /// The phone number codes are sent to, for the `sms` method.
        mobile_phone: String,
        /// A name the user gave the method.
        name: String,
    }
}

model! {
    /// The settings of an authenticator app (`AuthenticatorConfiguration`).
    pub struct AuthenticatorConfiguration {
        /// The HMAC algorithm.
        algorithm: TotpAlgorithm,
        /// How many digits a code has.
        code_length: u32,
        /// How many seconds a code is valid.
        time_step: u32,
    }
}

model! {
    /// Why a login failed (`UserLoginFailedReason`, FusionAuth 1.53+).
    pub struct LoginFailedReason {
        /// The kind of failure.
        code: LoginFailedReasonCode,
        /// The login validation lambda that rejected the login.
        lambda_id: Uuid,
        /// The errors that lambda returned.
        lambda_result: Errors,
    }
}

model! {
    /// FusionAuth's error list (`Errors`): errors by field, and general ones.
    pub struct Errors {
        /// Errors about one field, by field name.
        field_errors: BTreeMap<String, Vec<ErrorMessage>>,
        /// Errors about no field in particular.
        general_errors: Vec<ErrorMessage>,
    }
}

model! {
    /// One error of an [`Errors`] list (`Error`).
    pub struct ErrorMessage {
        /// A code such as `[invalid]email`.
        code: String,
        /// Data about the error.
        data: JsonMap,
        /// A message for people.
        message: String,
    }
}

model! {
    /// A refresh token (`RefreshToken`).
    pub struct RefreshToken {
        /// The application it was issued for.
        application_id: Uuid,
        /// Custom data.
        data: JsonMap,
        /// The id.
        id: Uuid,
        /// When it was created.
        insert_instant: Instant,
        /// About the device and the grant.
        meta_data: RefreshTokenMetaData,
        /// When the session it belongs to started.
        start_instant: Instant,
        /// The tenant.
        tenant_id: Uuid,
        /// The token itself.
        token: String,
        /// The user it was issued to.
        user_id: Uuid,
    }
}

model! {
    /// About a refresh token (`MetaData`).
    pub struct RefreshTokenMetaData {
        /// Custom data.
        data: JsonMap,
        /// The device it was issued to.
        device: DeviceInfo,
        /// The resources (audiences) it was issued for.
        resources: Vec<String>,
        /// The OAuth scopes it was issued with.
        scopes: Vec<String>,
    }
}

model! {
    /// A device a refresh token was issued to (`DeviceInfo`).
    pub struct DeviceInfo {
        /// A description of the device.
        description: String,
        /// The IP address it last used the token from.
        last_accessed_address: String,
        /// When it last used the token.
        last_accessed_instant: Instant,
        /// The device's name.
        name: String,
        /// The kind of device: `BROWSER`, `MOBILE`, `DESKTOP`, ...
        device_type as "type": String,
    }
}

model! {
    /// A link between a user and their account at an identity provider
    /// (`IdentityProviderLink`).
    pub struct IdentityProviderLink {
        /// Data from the identity provider.
        data: JsonMap,
        /// The name shown for the link, such as an email address.
        display_name: String,
        /// The identity provider.
        identity_provider_id: Uuid,
        /// Its name.
        identity_provider_name: String,
        /// Its kind.
        identity_provider_type: IdentityProviderType,
        /// The user's id at the identity provider.
        identity_provider_user_id: String,
        /// When the link was made.
        insert_instant: Instant,
        /// When the user last logged in through it.
        last_login_instant: Instant,
        /// The tenant.
        tenant_id: Uuid,
        /// The identity provider's token, when FusionAuth stores it.
        token: String,
        /// The FusionAuth user.
        user_id: Uuid,
    }
}
