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
            Error::Timeout | Error::Connection(_) => Code::Connection,
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
