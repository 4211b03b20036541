//! Exit codes, and how failures are reported.

use fusionauth_webhooks_client::workflows::SyncError;
use fusionauth_webhooks_client::{ClientConfigError, Error};

/// The process's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Code {
    /// Everything as expected.
    Ok = 0,
    /// Ran, but found problems or was refused (doctor problems, non-2xx answers).
    Findings = 1,
    /// Bad arguments or configuration.
    Usage = 2,
    /// FusionAuth answered with an error.
    Api = 3,
    /// FusionAuth or the receiver could not be reached, or did not answer in time.
    Connection = 4,
}

impl From<Code> for i32 {
    fn from(code: Code) -> i32 {
        code as i32
    }
}

/// A command that could not finish.
#[derive(Debug)]
pub(crate) struct Failure {
    code: Code,
    message: String,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: Code::Usage,
            message: message.into(),
        }
    }

    /// The receiver did not take what was sent (exit code 1).
    pub(crate) fn refused(message: impl Into<String>) -> Failure {
        Failure {
            code: Code::Findings,
            message: message.into(),
        }
    }

    /// Prints the failure (JSON on stdout with `--json`, else on stderr) and gives its code.
    pub(crate) fn report(self, json: bool) -> Code {
        if json {
            println!(
                "{}",
                serde_json::json!({ "error": self.message, "exitCode": i32::from(self.code) })
            );
        } else {
            eprintln!("error: {}", self.message);
        }
        self.code
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let code = match error {
            Error::Timeout | Error::Connection(_) | Error::ReceiverUnreachable { .. } => {
                Code::Connection
            }
            _ => Code::Api,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

impl From<SyncError> for Failure {
    fn from(error: SyncError) -> Failure {
        match error {
            SyncError::Api(error) => error.into(),
            other => Failure::usage(other.to_string()),
        }
    }
}

impl From<ClientConfigError> for Failure {
    fn from(error: ClientConfigError) -> Failure {
        Failure::usage(error.to_string())
    }
}

pub(crate) type Outcome = Result<Code, Failure>;

/// Settings a command needs and did not get, gathered so that one run
/// reports every one of them (instead of one per run).
#[derive(Debug, Default)]
pub(crate) struct Missing {
    settings: Vec<String>,
}

impl Missing {
    /// Notes a missing setting.
    pub(crate) fn add(&mut self, setting: impl Into<String>) {
        self.settings.push(setting.into());
    }

    /// `value`, or `None` with `setting` noted as missing.
    pub(crate) fn require<T>(&mut self, value: Option<T>, setting: &str) -> Option<T> {
        if value.is_none() {
            self.add(setting);
        }
        value
    }

    /// A usage error listing every missing setting, if there is one.
    pub(crate) fn check(self) -> Result<(), Failure> {
        match self.settings.as_slice() {
            [] => Ok(()),
            [one] => Err(Failure::usage(format!("missing setting: {one}"))),
            several => Err(Failure::usage(format!(
                "{} missing settings:\n  - {}",
                several.len(),
                several.join("\n  - ")
            ))),
        }
    }
}

/// A FusionAuth call's failure, naming the instance it went to and, where
/// the error alone does not say, what to check.
pub(crate) fn fusionauth_failure(base_url: &str) -> impl Fn(Error) -> Failure + '_ {
    move |error| {
        let mut failure = Failure::from(error.clone());
        failure.message = match error {
            Error::Timeout => format!(
                "fusionauth at {base_url} did not answer in time (raise --timeout if it is slow)"
            ),
            Error::NotFound => format!(
                "fusionauth at {base_url} answered 404 (not found): check that --url or \
                 FUSIONAUTH_URL names the FusionAuth instance itself (its API is under /api)"
            ),
            Error::Unauthorized => format!(
                "fusionauth at {base_url} refused the api key (401): check FUSIONAUTH_API_KEY, \
                 that the key is allowed to call /api/webhook, /api/tenant, /api/key and \
                 /api/system/webhook-event-log, and FUSIONAUTH_TENANT_ID for a key bound to no tenant"
            ),
            Error::Connection(_) => failure.message,
            other => format!("{other} (fusionauth at {base_url})"),
        };
        failure
    }
}

/// A FusionAuth failure of a sync, with the instance named.
pub(crate) fn sync_failure(base_url: &str) -> impl Fn(SyncError) -> Failure + '_ {
    move |error| match error {
        SyncError::Api(error) => fusionauth_failure(base_url)(error),
        other => Failure::usage(other.to_string()),
    }
}
