//! The enumerations FusionAuth sends as strings, all lenient: a value added
//! by a newer FusionAuth arrives as `Other` instead of failing the event.

use super::lenient_enum;

lenient_enum! {
    /// The kind of an event log entry (`EventLogType`).
    pub enum EventLogType {
        /// Informational.
        Information = "Information",
        /// Debug output, for example from a lambda or a webhook call.
        Debug = "Debug",
        /// An error, for example a failed webhook delivery.
        Error = "Error",
    }
}

lenient_enum! {
    /// The phase of a time-based user action (`UserActionPhase`).
    pub enum UserActionPhase {
        /// The action was taken.
        Start = "start",
        /// The action was changed.
        Modify = "modify",
        /// The action was cancelled before it ended.
        Cancel = "cancel",
        /// The action's duration ran out.
        End = "end",
    }
}

lenient_enum! {
    /// A threat that made a login suspicious (`AuthenticationThreats`).
    pub enum AuthenticationThreat {
        /// The client looked like a bot.
        BotDetected = "BotDetected",
        /// The IP address is on a block list.
        BlocklistedIp = "BlocklistedIp",
        /// The account had not been used for a long time.
        DormantAccount = "DormantAccount",
        /// The password had not been used for a long time.
        DormantPassword = "DormantPassword",
        /// The location is too far from the last login's for the time between.
        ImpossibleTravel = "ImpossibleTravel",
        /// A login identity changed recently.
        RecentIdentityChange = "RecentIdentityChange",
        /// The password changed recently.
        RecentPasswordChange = "RecentPasswordChange",
        /// The user agent looked suspicious.
        SuspiciousUserAgent = "SuspiciousUserAgent",
        /// The device was not seen before.
        UnrecognizedDevice = "UnrecognizedDevice",
        /// The device is not trusted.
        UntrustedDevice = "UntrustedDevice",
    }
}

lenient_enum! {
    /// How risky FusionAuth judged a client during a two-factor challenge.
    pub enum ClientRisk {
        /// Low risk.
        Low = "LOW",
        /// Medium risk.
        Medium = "MEDIUM",
        /// High risk.
        High = "HIGH",
    }
}

lenient_enum! {
    /// How a two-factor code was delivered to a phone (`MessageType`).
    pub enum MessageType {
        /// A text message.
        Sms = "SMS",
        /// A voice call.
        Voice = "Voice",
    }
}

lenient_enum! {
    /// Why a login failed (`UserLoginFailedReasonCode`).
    pub enum LoginFailedReasonCode {
        /// The credentials were wrong.
        Credentials = "credentials",
        /// A login validation lambda rejected the login.
        LambdaValidation = "lambdaValidation",
    }
}

lenient_enum! {
    /// The moderation status of a username or identity (`ContentStatus`).
    pub enum ContentStatus {
        /// Approved or not moderated.
        Active = "ACTIVE",
        /// Waiting for moderation.
        Pending = "PENDING",
        /// Rejected by moderation.
        Rejected = "REJECTED",
    }
}

lenient_enum! {
    /// The result of the last breached-password check (`BreachedPasswordStatus`).
    pub enum BreachedPasswordStatus {
        /// Not found in any breach.
        None = "None",
        /// The login id and password were found together.
        ExactMatch = "ExactMatch",
        /// A variant of the login id was found with the password.
        SubAddressMatch = "SubAddressMatch",
        /// The password was found with another login id.
        PasswordOnly = "PasswordOnly",
        /// The password is a commonly used one.
        CommonPassword = "CommonPassword",
    }
}

lenient_enum! {
    /// Why a user must change their password (`ChangePasswordReason`).
    pub enum ChangePasswordReason {
        /// An administrator required it.
        Administrative = "Administrative",
        /// The password was found in a breach.
        Breached = "Breached",
        /// The password is too old.
        Expired = "Expired",
        /// The password no longer meets the tenant's rules.
        Validation = "Validation",
    }
}

lenient_enum! {
    /// Why an identity is marked verified or not (`IdentityVerifiedReason`).
    pub enum IdentityVerifiedReason {
        /// Verification was skipped.
        Skipped = "Skipped",
        /// The identity came from a trusted source.
        Trusted = "Trusted",
        /// The identity cannot be verified.
        Unverifiable = "Unverifiable",
        /// Verified implicitly, for example by a completed login.
        Implicit = "Implicit",
        /// Verification has started.
        Pending = "Pending",
        /// The user completed verification.
        Completed = "Completed",
        /// Verification is turned off.
        Disabled = "Disabled",
        /// An administrator marked it verified.
        Administrative = "Administrative",
        /// Verified when the user was imported.
        Import = "Import",
    }
}

lenient_enum! {
    /// The kind of an identity provider (`IdentityProviderType`).
    pub enum IdentityProviderType {
        /// Sign in with Apple.
        Apple = "Apple",
        /// Epic Games.
        EpicGames = "EpicGames",
        /// An external JWT issuer.
        ExternalJwt = "ExternalJWT",
        /// Facebook.
        Facebook = "Facebook",
        /// Google.
        Google = "Google",
        /// HYPR.
        Hypr = "HYPR",
        /// LinkedIn.
        LinkedIn = "LinkedIn",
        /// Nintendo.
        Nintendo = "Nintendo",
        /// A generic OpenID Connect provider.
        OpenIdConnect = "OpenIDConnect",
        /// A SAML v2 provider.
        Samlv2 = "SAMLv2",
        /// A SAML v2 provider, IdP-initiated.
        Samlv2IdpInitiated = "SAMLv2IdPInitiated",
        /// Sony PlayStation Network.
        SonyPsn = "SonyPSN",
        /// Steam.
        Steam = "Steam",
        /// Twitch.
        Twitch = "Twitch",
        /// Twitter.
        Twitter = "Twitter",
        /// Xbox.
        Xbox = "Xbox",
    }
}

lenient_enum! {
    /// The HMAC algorithm of an authenticator app (`TOTPAlgorithm`).
    pub enum TotpAlgorithm {
        /// HMAC-SHA1, what most authenticator apps use.
        HmacSha1 = "HmacSHA1",
        /// HMAC-SHA256.
        HmacSha256 = "HmacSHA256",
        /// HMAC-SHA512.
        HmacSha512 = "HmacSHA512",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_value_reads_as_its_variant_and_writes_back() {
        let phase: UserActionPhase = serde_json::from_str(r#""cancel""#).unwrap();
        assert_eq!(phase, UserActionPhase::Cancel);
        assert_eq!(serde_json::to_string(&phase).unwrap(), r#""cancel""#);
    }

    #[test]
    fn an_unknown_value_is_kept_as_other_and_written_back_unchanged() {
        let risk: ClientRisk = serde_json::from_str(r#""EXTREME""#).unwrap();
        assert_eq!(risk, ClientRisk::Other("EXTREME".into()));
        assert_eq!(risk.as_str(), "EXTREME");
        assert_eq!(serde_json::to_string(&risk).unwrap(), r#""EXTREME""#);
    }

    #[test]
    fn matching_is_case_sensitive() {
        assert_eq!(
            ClientRisk::from_wire("low"),
            ClientRisk::Other("low".into())
        );
        assert_eq!("LOW".parse(), Ok(ClientRisk::Low));
    }

    #[test]
    fn a_value_that_is_not_a_string_is_an_error() {
        let error = serde_json::from_str::<EventLogType>("3").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("expected EventLogType as a string"),
            "{error}"
        );
    }
}
