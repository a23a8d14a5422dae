//! Credentials, and how the security schemes of a spec put them on a request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};

use crate::Secret;

/// The error type a [`TokenSource`] may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future returned by [`TokenSource::token`].
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, BoxError>> + Send + 'a>>;

/// Supplies bearer tokens (static tokens, OAuth2 access tokens, ...).
///
/// [`token`](TokenSource::token) is called once per attempt of every request that uses a
/// bearer-kind scheme, so an implementation that talks to a token endpoint should cache
/// its token and refresh it only when it is about to expire.
///
/// It also serves API-key schemes configured with [`Credential::Bearer`], for keys that rotate.
pub trait TokenSource: Send + Sync + 'static {
    /// Returns the token to send now.
    fn token(&self) -> TokenFuture<'_>;
}

/// A [`TokenSource`] that always returns the same token.
#[derive(Debug, Clone)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// Wraps a fixed token.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self(token.into())
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }
}

/// A credential for one or more security schemes. `Debug` never shows secrets.
///
/// Which schemes a credential can serve:
/// - [`SchemeKind::Bearer`]: `Bearer` (the token) or `ApiKey` (the key sent as a bearer token);
/// - `ApiKey*` schemes: `ApiKey` or `Bearer` (the token sent as the key, for rotating keys);
/// - [`SchemeKind::Basic`]: `Basic` only.
#[derive(Clone)]
pub enum Credential {
    /// A bearer token, static ([`StaticToken`]) or refreshable.
    Bearer(Arc<dyn TokenSource>),
    /// An API key.
    ApiKey(Secret),
    /// HTTP basic authentication.
    Basic {
        /// The user name; not secret, shown by `Debug`.
        username: String,
        /// The password.
        password: Secret,
    },
}

impl Credential {
    /// A static bearer token.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Self::Bearer(Arc::new(StaticToken::new(token)))
    }

    /// A refreshable bearer token.
    pub fn token_source(source: impl TokenSource) -> Self {
        Self::Bearer(Arc::new(source))
    }

    /// An API key.
    pub fn api_key(key: impl Into<Secret>) -> Self {
        Self::ApiKey(key.into())
    }

    /// HTTP basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// Whether this credential can be sent the way `kind` requires.
    fn fits(&self, kind: SchemeKind) -> bool {
        match self {
            Self::Bearer(_) | Self::ApiKey(_) => kind != SchemeKind::Basic,
            Self::Basic { .. } => kind == SchemeKind::Basic,
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bearer(_) => f.write_str("Bearer(***)"),
            Self::ApiKey(_) => f.write_str("ApiKey(***)"),
            Self::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"***")
                .finish(),
        }
    }
}

/// How a security scheme of the spec sends its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`: http `bearer`, `oauth2` and `openIdConnect` schemes.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`: http `basic` schemes.
    Basic,
    /// An `apiKey` scheme sent in the named header.
    ApiKeyHeader(&'static str),
    /// An `apiKey` scheme sent as the named query parameter.
    ApiKeyQuery(&'static str),
    /// An `apiKey` scheme sent as the named cookie.
    ApiKeyCookie(&'static str),
}

/// A security scheme of the spec (`components.securitySchemes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecurityScheme {
    /// The scheme's name in the spec; [`ClientBuilder::credential`](crate::ClientBuilder::credential)
    /// overrides credentials by this name.
    pub name: &'static str,
    /// How the credential is sent.
    pub kind: SchemeKind,
}

/// One operation's `security`: alternatives (OR) of requirements (AND).
///
/// An empty slice means the operation needs no auth. An empty alternative means anonymous
/// access is allowed; it never stops configured credentials from being sent for another
/// alternative.
pub type SecurityRequirements = &'static [&'static [&'static SecurityScheme]];

/// The credentials configured on a transport.
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    /// For every [`SchemeKind::Bearer`] scheme.
    pub(crate) bearer: Option<Credential>,
    /// For every `ApiKey*` scheme.
    pub(crate) api_key: Option<Credential>,
    /// For every [`SchemeKind::Basic`] scheme.
    pub(crate) basic: Option<Credential>,
    /// Per scheme name; wins over the three defaults above.
    pub(crate) by_scheme: Vec<(String, Credential)>,
}

impl Credentials {
    /// Sets the credential for one scheme name, replacing an earlier one.
    pub(crate) fn set_for_scheme(&mut self, name: &str, credential: Credential) {
        self.by_scheme.retain(|(existing, _)| existing != name);
        self.by_scheme.push((name.to_owned(), credential));
    }

    /// The credential to use for `scheme`, if one is configured and fits its kind.
    ///
    /// A per-scheme credential that does not fit leaves the scheme unsatisfied rather than
    /// falling back to a default: it is a configuration mistake worth noticing.
    fn for_scheme(&self, scheme: &SecurityScheme) -> Option<&Credential> {
        let by_name = self
            .by_scheme
            .iter()
            .find(|(name, _)| name == scheme.name)
            .map(|(_, credential)| credential);
        let credential = match by_name {
            Some(credential) => credential,
            None => match scheme.kind {
                SchemeKind::Bearer => self.bearer.as_ref()?,
                SchemeKind::Basic => self.basic.as_ref()?,
                SchemeKind::ApiKeyHeader(_)
                | SchemeKind::ApiKeyQuery(_)
                | SchemeKind::ApiKeyCookie(_) => self.api_key.as_ref()?,
            },
        };
        credential.fits(scheme.kind).then_some(credential)
    }

    /// Picks the first non-empty alternative whose schemes all have a credential.
    ///
    /// Returns an empty list when the operation needs no auth, or allows anonymous access
    /// (an empty alternative) and no other alternative can be satisfied; `None` when it
    /// requires credentials and no alternative can be satisfied.
    pub(crate) fn select(
        &self,
        requirements: SecurityRequirements,
    ) -> Option<Vec<(&'static SecurityScheme, &Credential)>> {
        let satisfied = requirements
            .iter()
            .filter(|alternative| !alternative.is_empty())
            .find_map(|alternative| {
                alternative
                    .iter()
                    .map(|scheme| {
                        self.for_scheme(scheme)
                            .map(|credential| (*scheme, credential))
                    })
                    .collect::<Option<Vec<_>>>()
            });
        let anonymous = requirements.is_empty() || requirements.iter().any(|alt| alt.is_empty());
        satisfied.or_else(|| anonymous.then(Vec::new))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("bearer", &self.bearer)
            .field("api_key", &self.api_key)
            .field("basic", &self.basic)
            .field("by_scheme", &self.by_scheme)
            .finish()
    }
}

/// Credentials resolved for one attempt, ready to be put on the wire.
#[derive(Default)]
pub(crate) struct AppliedAuth {
    /// `Authorization` and API-key headers, marked sensitive.
    pub(crate) headers: HeaderMap,
    /// API keys sent as query parameters.
    pub(crate) query: Vec<(&'static str, Secret)>,
    /// `name=value` pairs for the `Cookie` header.
    pub(crate) cookies: Vec<String>,
    /// User name and password for basic auth.
    pub(crate) basic: Option<(String, Secret)>,
}

/// Why credentials could not be applied.
pub(crate) enum AuthError {
    /// A [`TokenSource`] failed.
    Source(BoxError),
    /// The credential (or the scheme's header name) cannot go in an HTTP header.
    /// Carries the scheme name, never the secret.
    Invalid(&'static str),
}

/// Resolves the selected credentials, fetching bearer tokens from their sources.
pub(crate) async fn apply(
    selected: &[(&'static SecurityScheme, &Credential)],
) -> Result<AppliedAuth, AuthError> {
    let mut applied = AppliedAuth::default();
    for &(scheme, credential) in selected {
        let secret = match credential {
            Credential::Basic { username, password } => {
                applied.basic = Some((username.clone(), password.clone()));
                continue;
            }
            Credential::Bearer(source) => source.token().await.map_err(AuthError::Source)?,
            Credential::ApiKey(key) => key.clone(),
        };
        match scheme.kind {
            SchemeKind::Bearer => {
                let value = sensitive_value(&format!("Bearer {}", secret.expose()), scheme)?;
                applied.headers.insert(AUTHORIZATION, value);
            }
            SchemeKind::ApiKeyHeader(header) => {
                let name = HeaderName::from_bytes(header.as_bytes())
                    .map_err(|_| AuthError::Invalid(scheme.name))?;
                applied
                    .headers
                    .insert(name, sensitive_value(secret.expose(), scheme)?);
            }
            SchemeKind::ApiKeyQuery(parameter) => applied.query.push((parameter, secret)),
            SchemeKind::ApiKeyCookie(cookie) => {
                applied
                    .cookies
                    .push(format!("{cookie}={}", secret.expose()));
            }
            // Only a `Basic` credential fits a basic scheme; it was handled above.
            SchemeKind::Basic => {}
        }
    }
    Ok(applied)
}

fn sensitive_value(text: &str, scheme: &SecurityScheme) -> Result<HeaderValue, AuthError> {
    let mut value = HeaderValue::from_str(text).map_err(|_| AuthError::Invalid(scheme.name))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEARER: SecurityScheme = SecurityScheme {
        name: "oauth",
        kind: SchemeKind::Bearer,
    };
    const KEY: SecurityScheme = SecurityScheme {
        name: "key",
        kind: SchemeKind::ApiKeyHeader("X-Key"),
    };
    const BASIC: SecurityScheme = SecurityScheme {
        name: "basic",
        kind: SchemeKind::Basic,
    };

    fn names(selected: &[(&'static SecurityScheme, &Credential)]) -> Vec<&'static str> {
        selected.iter().map(|(scheme, _)| scheme.name).collect()
    }

    #[test]
    fn picks_first_satisfiable_alternative() {
        let credentials = Credentials {
            api_key: Some(Credential::api_key("k")),
            ..Credentials::default()
        };
        let requirements: SecurityRequirements = &[&[&BEARER], &[&KEY]];
        assert_eq!(names(&credentials.select(requirements).unwrap()), ["key"]);
    }

    #[test]
    fn alternative_needs_every_scheme() {
        let credentials = Credentials {
            api_key: Some(Credential::api_key("k")),
            ..Credentials::default()
        };
        let requirements: SecurityRequirements = &[&[&KEY, &BASIC]];
        assert!(credentials.select(requirements).is_none());
        let optional: SecurityRequirements = &[&[&KEY, &BASIC], &[]];
        assert_eq!(credentials.select(optional).map(|s| s.len()), Some(0));
        assert_eq!(credentials.select(&[]).map(|s| s.len()), Some(0));
    }

    #[test]
    fn anonymous_alternative_does_not_hide_credentials() {
        let credentials = Credentials {
            bearer: Some(Credential::bearer("t")),
            ..Credentials::default()
        };
        let requirements: SecurityRequirements = &[&[], &[&BEARER]];
        assert_eq!(names(&credentials.select(requirements).unwrap()), ["oauth"]);
    }

    #[test]
    fn per_scheme_credential_must_fit() {
        let mut credentials = Credentials {
            basic: Some(Credential::basic("u", "p")),
            ..Credentials::default()
        };
        credentials.set_for_scheme("basic", Credential::api_key("k"));
        assert!(credentials.select(&[&[&BASIC]]).is_none());
        credentials.set_for_scheme("basic", Credential::basic("v", "q"));
        assert_eq!(names(&credentials.select(&[&[&BASIC]]).unwrap()), ["basic"]);
    }

    #[test]
    fn debug_hides_secrets() {
        let text = format!(
            "{:?}",
            [
                Credential::bearer("tok-1"),
                Credential::api_key("key-2"),
                Credential::basic("alice", "pw-3"),
            ]
        );
        for secret in ["tok-1", "key-2", "pw-3"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("alice"));
    }
}
