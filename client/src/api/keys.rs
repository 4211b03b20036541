//! Keys: Key Master and the public JWKS.

use reqwest::Method;
use serde::Deserialize;
use uuid::Uuid;

use crate::models::{JsonWebKeySet, Key};
use crate::{Error, FusionAuthClient};

#[derive(Deserialize)]
struct One {
    key: Key,
}

#[derive(Deserialize)]
struct All {
    #[serde(default)]
    keys: Vec<Key>,
}

impl FusionAuthClient {
    /// Retrieves a Key Master key (`GET /api/key/{id}`), with the secret of an HMAC key.
    pub async fn retrieve_key(&self, id: Uuid) -> Result<Key, Error> {
        let one: One = self
            .fetch(Method::GET, &format!("api/key/{id}"), &[], None)
            .await?;
        Ok(one.key)
    }

    /// Retrieves every Key Master key (`GET /api/key`).
    pub async fn retrieve_keys(&self) -> Result<Vec<Key>, Error> {
        let all: All = self.fetch(Method::GET, "api/key", &[], None).await?;
        Ok(all.keys)
    }

    /// Fetches the instance's public keys (`GET /.well-known/jwks.json`, no
    /// API key sent): every asymmetric key of the instance, those that sign
    /// access and ID tokens included. HMAC secrets are never in it.
    pub async fn fetch_jwks(&self) -> Result<JsonWebKeySet, Error> {
        self.call(Method::GET, ".well-known/jwks.json", &[], None, false)
            .await?
            .ok_or_else(|| Error::UnexpectedBody {
                path: String::new(),
                reason: "the jwks answer has no body".to_owned(),
            })
    }
}
