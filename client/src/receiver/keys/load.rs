//! One load of the keys from FusionAuth: what is trusted, and the verifier
//! made of it.

use std::collections::{BTreeMap, HashSet};

use fusionauth_webhooks::SignatureVerifier;
use uuid::Uuid;

use crate::models::{JsonWebKey, JsonWebKeySet, Key};
use crate::{Error, FusionAuthClient};

/// What the keys come from.
#[derive(Debug)]
pub(super) struct Sources {
    pub(super) client: FusionAuthClient,
    /// The webhook whose `signatureConfiguration.signingKeyId` is trusted.
    pub(super) webhook_id: Option<Uuid>,
    /// Key Master keys trusted by id.
    pub(super) key_ids: Vec<Uuid>,
    /// Every key of `/.well-known/jwks.json`, on request only.
    pub(super) all_instance_keys: bool,
}

/// One trusted key: its `kid` and what verifies it.
#[derive(Clone)]
pub(super) struct Trusted {
    kid: String,
    material: Material,
}

#[derive(Clone)]
enum Material {
    Hmac(String),
    Jwk(Box<JsonWebKey>),
    Pem(String),
}

/// The keys of one successful load.
#[derive(Clone, Default)]
pub(super) struct Loaded {
    named: BTreeMap<Uuid, Trusted>,
    /// The webhook's signing key, by its Key Master id.
    webhook_key: Option<(Uuid, Trusted)>,
    instance: Vec<JsonWebKey>,
    /// Named keys FusionAuth says are gone, as of the last full load.
    named_gone: Vec<String>,
    /// Why the webhook gives no key (deleted, or not signing).
    webhook_gone: Option<String>,
}

/// How much a load looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Everything, deleted keys included: at start and in the background.
    Full,
    /// Only what can bring a new `kid`: the webhook's signing key id (and its
    /// key when it changed), the instance keys when trusted. For an unknown `kid`.
    NewKids,
}

impl Sources {
    /// Whether any source can bring a `kid` that is not loaded yet.
    pub(super) fn can_rotate(&self) -> bool {
        self.webhook_id.is_some() || self.all_instance_keys
    }

    /// Loads the keys, starting from `previous`. A key or webhook FusionAuth
    /// says is gone (404) is dropped, with a note in `gone`; any other failure
    /// fails the whole load (the caller keeps the keys it has).
    pub(super) async fn load(&self, previous: &Loaded, scope: Scope) -> Result<Loaded, Error> {
        let mut jwks = Jwks::default();
        let mut loaded = Loaded::default();
        if scope == Scope::Full {
            for &id in &self.key_ids {
                match self.client.retrieve_key(id).await {
                    Ok(key) => {
                        loaded
                            .named
                            .insert(id, trusted(id, &key, &self.client, &mut jwks).await?);
                    }
                    Err(Error::NotFound) => loaded
                        .named_gone
                        .push(format!("key {id} was deleted in fusionauth (404)")),
                    Err(error) => return Err(error),
                }
            }
        } else {
            loaded.named = previous.named.clone();
            loaded.named_gone = previous.named_gone.clone();
        }
        if let Some(webhook_id) = self.webhook_id {
            match self
                .webhook_key(webhook_id, previous, scope, &mut jwks)
                .await?
            {
                Ok(key) => loaded.webhook_key = Some(key),
                Err(gone) => loaded.webhook_gone = Some(gone),
            }
        }
        if self.all_instance_keys {
            loaded.instance = jwks.get(&self.client).await?.keys.clone();
        }
        Ok(loaded)
    }

    async fn webhook_key(
        &self,
        webhook_id: Uuid,
        previous: &Loaded,
        scope: Scope,
        jwks: &mut Jwks,
    ) -> Result<Result<(Uuid, Trusted), String>, Error> {
        let webhook = match self.client.retrieve_webhook(webhook_id).await {
            Ok(webhook) => webhook,
            Err(Error::NotFound) => {
                return Ok(Err(format!(
                    "webhook {webhook_id} was deleted in fusionauth (404)"
                )));
            }
            Err(error) => return Err(error),
        };
        let signing = webhook
            .signature_configuration
            .filter(|signature| signature.enabled == Some(true))
            .and_then(|signature| signature.signing_key_id);
        let Some(key_id) = signing else {
            return Ok(Err(format!(
                "webhook {webhook_id} does not sign its requests"
            )));
        };
        if let (Scope::NewKids, Some((id, trusted))) = (scope, &previous.webhook_key)
            && *id == key_id
        {
            return Ok(Ok((key_id, trusted.clone())));
        }
        match self.client.retrieve_key(key_id).await {
            Ok(key) => Ok(Ok((
                key_id,
                trusted(key_id, &key, &self.client, jwks).await?,
            ))),
            Err(Error::NotFound) => Ok(Err(format!(
                "key {key_id}, which webhook {webhook_id} signs with, was deleted in fusionauth (404)"
            ))),
            Err(error) => Err(error),
        }
    }
}

/// The JWKS, fetched at most once per load.
#[derive(Default)]
struct Jwks(Option<JsonWebKeySet>);

impl Jwks {
    async fn get(&mut self, client: &FusionAuthClient) -> Result<&JsonWebKeySet, Error> {
        if self.0.is_none() {
            self.0 = Some(client.fetch_jwks().await?);
        }
        Ok(self.0.as_ref().expect("fetched just now"))
    }
}

/// What verifies a Key Master key: an HMAC key's secret, an asymmetric
/// key's JWK (by its `kid`), or its public key in PEM when the JWKS lacks it.
async fn trusted(
    id: Uuid,
    key: &Key,
    client: &FusionAuthClient,
    jwks: &mut Jwks,
) -> Result<Trusted, Error> {
    let unusable = |reason: &str| Error::UnexpectedBody {
        path: "key".to_owned(),
        reason: format!("key {id} cannot verify signatures: {reason}"),
    };
    if key.is_hmac() {
        let secret = key.secret.clone().ok_or_else(|| {
            unusable("fusionauth sent no secret for this hmac key (may the api key read keys?)")
        })?;
        let kid = key.kid.clone().unwrap_or_else(|| id.to_string());
        return Ok(Trusted {
            kid,
            material: Material::Hmac(secret),
        });
    }
    let kid = key.kid.clone().ok_or_else(|| unusable("it has no kid"))?;
    let material = match jwks.get(client).await?.key(&kid) {
        Some(jwk) => Material::Jwk(Box::new(jwk.clone())),
        None => Material::Pem(
            key.public_key
                .clone()
                .ok_or_else(|| unusable("it is neither in the jwks nor has a public key"))?,
        ),
    };
    Ok(Trusted { kid, material })
}

impl Loaded {
    /// The verifier of these keys and their `kid`s, or why there is none.
    pub(super) fn verifier(&self) -> Result<(SignatureVerifier, HashSet<String>), String> {
        let mut builder = SignatureVerifier::builder();
        let mut kids = HashSet::new();
        let chosen = self
            .named
            .values()
            .chain(self.webhook_key.iter().map(|(_, key)| key));
        for key in chosen {
            if !kids.insert(key.kid.clone()) {
                continue;
            }
            builder = match &key.material {
                Material::Hmac(secret) => builder.hmac(Some(&key.kid), secret),
                Material::Jwk(jwk) => builder.jwks(&key_set(jwk)),
                Material::Pem(pem) => builder.public_key_pem(Some(&key.kid), pem),
            };
        }
        for jwk in &self.instance {
            let Some(kid) = &jwk.kid else { continue };
            // Instance keys of other uses or types are skipped, not an error.
            let usable = SignatureVerifier::builder()
                .jwks(&key_set(jwk))
                .build()
                .is_ok();
            if usable && kids.insert(kid.clone()) {
                builder = builder.jwks(&key_set(jwk));
            }
        }
        if kids.is_empty() {
            let gone = self.gone();
            let why = if gone.is_empty() {
                "fusionauth has no key to trust".to_owned()
            } else {
                gone.join("; ")
            };
            return Err(format!("no signing key is trusted: {why}"));
        }
        builder
            .build()
            .map(|verifier| (verifier, kids))
            .map_err(|error| format!("the signing keys from fusionauth are not usable: {error}"))
    }
}

impl Loaded {
    /// The Key Master id of the webhook's signing key.
    pub(super) fn webhook_key_id(&self) -> Option<Uuid> {
        self.webhook_key.as_ref().map(|(id, _)| *id)
    }

    /// Why what was asked for is not trusted: deleted keys and webhooks, a webhook that does not sign.
    pub(super) fn gone(&self) -> Vec<String> {
        self.named_gone
            .iter()
            .chain(&self.webhook_gone)
            .cloned()
            .collect()
    }
}

fn key_set(jwk: &JsonWebKey) -> String {
    serde_json::json!({ "keys": [jwk] }).to_string()
}
