//! [`ClientBuilder`] and [`Transport`], the configured HTTP client shared by all operations.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};

use crate::auth::Credentials;
use crate::{BuildError, Credential, Request, RetryPolicy, Secret, TokenSource};

/// The user agent of clients built here, unless [`ClientBuilder::user_agent`] sets one.
const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A server of the spec: a URL template and its variables (OpenAPI `servers[0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Server {
    /// The URL, with `{variable}` placeholders.
    pub url: &'static str,
    /// The variables of the URL.
    pub variables: &'static [ServerVariable],
}

/// A variable of a [`Server`] URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerVariable {
    /// The name, as in the `{name}` placeholder.
    pub name: &'static str,
    /// The value used unless [`ClientBuilder::server_variable`] sets another.
    pub default: &'static str,
    /// The values the spec allows (its `enum`); empty when any value is allowed.
    pub allowed: &'static [&'static str],
}

/// Where requests go: a URL given as is, or a server template with variables.
#[derive(Clone)]
enum Target {
    Url(String),
    Server(&'static Server),
}

/// Builds a client: a [`Transport`], or (for a generated API) the API's own `Client`,
/// which `build` returns directly. `Debug` never shows secrets or default header values.
///
/// ```no_run
/// use std::time::Duration;
/// use codegen_runtime::{ClientBuilder, RetryPolicy};
///
/// # fn demo() -> Result<(), codegen_runtime::BuildError> {
/// let transport = ClientBuilder::new("https://api.example.com/v2")
///     .bearer_token("token")
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::exponential(3))
///     .build()?;
/// # let _ = transport;
/// # Ok(())
/// # }
/// ```
///
/// Credentials given by kind ([`bearer_token`](Self::bearer_token), [`api_key`](Self::api_key),
/// [`basic_auth`](Self::basic_auth)) serve every scheme of that kind;
/// [`credential`](Self::credential) overrides them for one scheme name.
///
/// Each attempt of a request times out after [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT)
/// (30 seconds) unless [`timeout`](Self::timeout) or [`no_timeout`](Self::no_timeout) says
/// otherwise.
pub struct ClientBuilder<C = Transport> {
    target: Target,
    variables: Vec<(String, String)>,
    credentials: Credentials,
    default_headers: Vec<(String, String)>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    http_client: Option<reqwest::Client>,
    retry: RetryPolicy,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            target: self.target.clone(),
            variables: self.variables.clone(),
            credentials: self.credentials.clone(),
            default_headers: self.default_headers.clone(),
            user_agent: self.user_agent.clone(),
            timeout: self.timeout,
            http_client: self.http_client.clone(),
            retry: self.retry.clone(),
            client: PhantomData,
        }
    }
}

impl ClientBuilder<Transport> {
    /// Starts a [`Transport`] for the API at `base_url` (`http` or `https`; operation
    /// paths are appended to its path, its query is kept).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_target(Target::Url(base_url.into()))
    }
}

impl<C> ClientBuilder<C> {
    /// The per-attempt timeout unless [`timeout`](Self::timeout) or
    /// [`no_timeout`](Self::no_timeout) is called.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    fn with_target(target: Target) -> Self {
        Self {
            target,
            variables: Vec::new(),
            credentials: Credentials::default(),
            default_headers: Vec::new(),
            user_agent: None,
            timeout: Some(Self::DEFAULT_TIMEOUT),
            http_client: None,
            retry: RetryPolicy::none(),
            client: PhantomData,
        }
    }

    /// Starts a client for `server` with its variables at their defaults; generated APIs
    /// start their `Client::builder()` here with the spec's first server.
    pub fn for_server(server: &'static Server) -> Self {
        Self::with_target(Target::Server(server))
    }

    /// Sends requests to `base_url` instead of the spec's server (`http` or `https`;
    /// operation paths are appended to its path, its query is kept). Server variables no
    /// longer apply: setting one as well makes [`build`](Self::build) fail.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.target = Target::Url(base_url.into());
        self
    }

    /// Sets a variable of the spec's server URL, e.g. `("myDomain", "acme")`. An unknown
    /// name or a value the spec does not allow makes [`build`](Self::build) fail. The value
    /// is inserted as given.
    pub fn server_variable(mut self, name: &str, value: impl Into<String>) -> Self {
        self.variables.retain(|(existing, _)| existing != name);
        self.variables.push((name.to_owned(), value.into()));
        self
    }

    /// A static token for every bearer-kind scheme (http bearer, OAuth2, OpenID Connect).
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials.bearer = Some(Credential::bearer(token));
        self
    }

    /// A refreshable token for every bearer-kind scheme, asked for on every attempt.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.credentials.bearer = Some(Credential::token_source(source));
        self
    }

    /// A key for every API-key scheme (header, query or cookie).
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.credentials.api_key = Some(Credential::api_key(key));
        self
    }

    /// User name and password for every HTTP basic scheme.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials.basic = Some(Credential::basic(username, password));
        self
    }

    /// The credential for the scheme named `scheme_name` in the spec, overriding the
    /// credentials given by kind. See [`Credential`] for which credential fits which scheme.
    pub fn credential(mut self, scheme_name: &str, credential: Credential) -> Self {
        self.credentials.set_for_scheme(scheme_name, credential);
        self
    }

    /// A header sent with every request (an operation's own header of the same name wins).
    /// An invalid name or value makes [`build`](Self::build) fail.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.default_headers
            .push((name.to_owned(), value.to_owned()));
        self
    }

    /// The `User-Agent` header, also with a client given to [`http_client`](Self::http_client).
    /// Without it, a client built here sends `codegen-runtime/<version>` and a given client
    /// sends its own.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The timeout of each attempt ([`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT) unless
    /// set): from sending the request to having read the whole reply. Expiry gives
    /// [`Error::Timeout`](crate::Error::Timeout) (after any retries). Also applies with a
    /// client given to [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No timeout of this crate: an attempt may wait for the server forever (unless a
    /// client given to [`http_client`](Self::http_client) has a timeout of its own).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Uses the caller's own client (proxies, TLS settings, connection pool, ...).
    ///
    /// Its redirect policy applies. A client built here follows at most 10 redirects and
    /// only within the origin of the request; a redirect elsewhere is returned as the reply,
    /// so credentials never travel to another host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The retry policy; [`RetryPolicy::none`] unless set.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The base URL: the one given, or the server's URL with its variables filled in.
    fn resolve_url(&self) -> Result<String, BuildError> {
        let server = match &self.target {
            Target::Url(url) => {
                return match self.variables.first() {
                    Some((name, _)) => Err(BuildError::InvalidServerVariable {
                        name: name.clone(),
                        reason: "server variables do not apply to a base URL given with `base_url`"
                            .to_owned(),
                    }),
                    None => Ok(url.clone()),
                };
            }
            Target::Server(server) => server,
        };
        for (name, value) in &self.variables {
            let variable = server
                .variables
                .iter()
                .find(|variable| variable.name == name)
                .ok_or_else(|| BuildError::InvalidServerVariable {
                    name: name.clone(),
                    reason: format!("the server `{}` has no such variable", server.url),
                })?;
            if !variable.allowed.is_empty() && !variable.allowed.contains(&value.as_str()) {
                return Err(BuildError::InvalidServerVariable {
                    name: name.clone(),
                    reason: format!("allowed values are {}", variable.allowed.join(", ")),
                });
            }
        }
        let mut url = server.url.to_owned();
        for variable in server.variables {
            let value = self
                .variables
                .iter()
                .find(|(name, _)| name == variable.name)
                .map_or(variable.default, |(_, value)| value.as_str());
            url = url.replace(&format!("{{{}}}", variable.name), value);
        }
        Ok(url)
    }

    /// Checks the configuration and builds the transport.
    fn build_transport(self) -> Result<Transport, BuildError> {
        let base_url =
            parse_base_url(&self.resolve_url()?).map_err(|error| match (error, &self.target) {
                // The spec's server is not a usable URL (a relative `/`, a placeholder).
                (BuildError::InvalidBaseUrl(reason), Target::Server(server)) => {
                    BuildError::InvalidBaseUrl(format!(
                        "{reason} (the spec's server is `{}`; set one with `base_url`)",
                        server.url
                    ))
                }
                (error, _) => error,
            })?;
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| BuildError::InvalidHeaderName(name.clone()))?;
            let header_value = HeaderValue::from_str(value)
                .map_err(|_| BuildError::InvalidHeaderValue(name.clone()))?;
            default_headers.append(header_name, header_value);
        }
        if let Some(user_agent) = &self.user_agent {
            let value = HeaderValue::from_str(user_agent)
                .map_err(|_| BuildError::InvalidHeaderValue(USER_AGENT.to_string()))?;
            default_headers.insert(USER_AGENT, value);
        }
        let client = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .user_agent(DEFAULT_USER_AGENT)
                .redirect(same_origin_redirects())
                .build()
                .map_err(BuildError::HttpClient)?,
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                base_url,
                client,
                credentials: self.credentials,
                default_headers,
                timeout: self.timeout,
                retry: self.retry,
            }),
        })
    }
}

impl<C: From<Transport>> ClientBuilder<C> {
    /// Checks the configuration and builds the client: a [`Transport`], or the generated
    /// API's `Client`.
    pub fn build(self) -> Result<C, BuildError> {
        self.build_transport().map(C::from)
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .default_headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        let base_url = match &self.target {
            Target::Url(url) => url.as_str(),
            Target::Server(server) => server.url,
        };
        f.debug_struct("ClientBuilder")
            .field("base_url", &base_url)
            .field("server_variables", &self.variables)
            .field("credentials", &self.credentials)
            .field("default_headers", &header_names)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("http_client", &self.http_client.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

/// The most redirects followed for one request.
const MAX_REDIRECTS: usize = 10;

/// Follows redirects within the origin of the request only; a redirect elsewhere is
/// returned as the reply. reqwest drops `Authorization` and `Cookie` when a redirect leaves
/// the origin, but not API-key headers, which must not reach another host.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let previous = attempt.previous();
        let same_origin = previous
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if previous.len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Parses and checks the base URL; error messages do not repeat it (it may hold secrets).
fn parse_base_url(text: &str) -> Result<Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl(reason.to_owned());
    let mut url = Url::parse(text).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the URL are not supported; use basic_auth",
        ));
    }
    url.set_fragment(None);
    Ok(url)
}

/// The configured HTTP client shared by all operations of an API.
///
/// Cheap to clone (one `Arc`). `Debug` never shows secrets or default header values.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: Url,
    client: reqwest::Client,
    credentials: Credentials,
    default_headers: HeaderMap,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl Transport {
    /// The base URL, normalised (e.g. `http://host` becomes `http://host/`).
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Starts a request to the base URL's path followed by `path`.
    ///
    /// Each element of `path` is literal text or a parameter value and is percent-encoded
    /// as exactly one path segment (`/` included), e.g. `&["repos", &owner, &repo]`.
    /// An empty, `.` or `..` segment makes the request fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when sent.
    pub fn request(&self, method: Method, path: &[&str]) -> Request {
        Request::new(self.clone(), method, path)
    }

    pub(crate) fn base(&self) -> &Url {
        &self.inner.base_url
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.inner.client
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    pub(crate) fn default_headers(&self) -> &HeaderMap {
        &self.inner.default_headers
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let header_names: Vec<&str> = inner
            .default_headers
            .keys()
            .map(HeaderName::as_str)
            .collect();
        f.debug_struct("Transport")
            .field("base_url", &inner.base_url.as_str())
            .field("credentials", &inner.credentials)
            .field("default_headers", &header_names)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_checks() {
        assert_eq!(
            ClientBuilder::new("http://h").build().unwrap().base_url(),
            "http://h/"
        );
        for bad in ["not a url", "ftp://h/", "http://user:pw@h/", "mailto:x@y"] {
            let error = ClientBuilder::new(bad).build().unwrap_err();
            assert!(
                matches!(error, BuildError::InvalidBaseUrl(_)),
                "{bad}: {error}"
            );
            assert!(!error.to_string().contains("pw@"), "{error}");
        }
    }

    const SERVER: Server = Server {
        url: "https://{site}.example.com/{version}",
        variables: &[
            ServerVariable {
                name: "site",
                default: "demo",
                allowed: &[],
            },
            ServerVariable {
                name: "version",
                default: "v1",
                allowed: &["v1", "v2"],
            },
        ],
    };

    #[test]
    fn server_variables_fill_the_template() {
        let build = |builder: ClientBuilder| builder.build().map(|t| t.base_url().to_owned());
        assert_eq!(
            build(ClientBuilder::for_server(&SERVER)).unwrap(),
            "https://demo.example.com/v1"
        );
        assert_eq!(
            build(
                ClientBuilder::for_server(&SERVER)
                    .server_variable("site", "acme")
                    .server_variable("version", "v2")
            )
            .unwrap(),
            "https://acme.example.com/v2"
        );
        for (builder, name) in [
            (
                ClientBuilder::for_server(&SERVER).server_variable("nope", "x"),
                "nope",
            ),
            (
                ClientBuilder::for_server(&SERVER).server_variable("version", "v3"),
                "version",
            ),
            (
                ClientBuilder::for_server(&SERVER)
                    .base_url("http://h")
                    .server_variable("site", "x"),
                "site",
            ),
        ] {
            match build(builder) {
                Err(BuildError::InvalidServerVariable { name: got, .. }) => assert_eq!(got, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(
            build(ClientBuilder::for_server(&SERVER).base_url("http://h")).unwrap(),
            "http://h/"
        );
    }

    #[test]
    fn a_relative_spec_server_asks_for_a_base_url() {
        const RELATIVE: Server = Server {
            url: "/",
            variables: &[],
        };
        let error = ClientBuilder::<Transport>::for_server(&RELATIVE)
            .build()
            .unwrap_err();
        assert!(
            error.to_string().contains("set one with `base_url`"),
            "{error}"
        );
        let built = ClientBuilder::<Transport>::for_server(&RELATIVE)
            .base_url("http://h/api")
            .build()
            .unwrap();
        assert_eq!(built.base_url(), "http://h/api");
    }

    #[test]
    fn a_default_timeout_applies() {
        let transport = ClientBuilder::new("http://h").build().unwrap();
        assert_eq!(
            transport.timeout(),
            Some(ClientBuilder::<Transport>::DEFAULT_TIMEOUT)
        );
        assert_eq!(transport.timeout(), Some(Duration::from_secs(30)));
        let transport = ClientBuilder::new("http://h").no_timeout().build().unwrap();
        assert_eq!(transport.timeout(), None);
    }

    #[test]
    fn build_gives_the_wrapping_client() {
        struct Api(Transport);
        impl From<Transport> for Api {
            fn from(transport: Transport) -> Self {
                Api(transport)
            }
        }
        let api: Api = ClientBuilder::<Api>::for_server(&SERVER).build().unwrap();
        assert_eq!(api.0.base_url(), "https://demo.example.com/v1");
    }

    #[test]
    fn invalid_default_headers_fail_build() {
        let error = ClientBuilder::new("http://h")
            .default_header("bad name", "v")
            .build();
        assert!(matches!(error, Err(BuildError::InvalidHeaderName(_))));
        let error = ClientBuilder::new("http://h")
            .default_header("X-Key", "s3cr3t\n")
            .build();
        match error {
            Err(BuildError::InvalidHeaderValue(name)) => assert_eq!(name, "X-Key"),
            other => panic!("unexpected {other:?}"),
        }
        let error = ClientBuilder::new("http://h").user_agent("a\u{7f}").build();
        assert!(matches!(error, Err(BuildError::InvalidHeaderValue(_))));
    }
}
