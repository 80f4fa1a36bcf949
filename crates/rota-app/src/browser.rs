//! What a browser session needs on both sides that serve browsers — the
//! JSON API (`rota-http`) and the pages (`rota-web`): the session cookie
//! (A3), the CSRF cookie that forms echo back, and the same-origin check
//! (U7). Plain strings in, plain strings out: adapters never import each
//! other, and no HTTP type may appear in `rota-app`, so the shared pieces
//! live here (docs/ARCHITECTURE.md, "Browser sessions").

use std::net::IpAddr;

use secrecy::{ExposeSecret, SecretString};

/// The cookie a browser session travels in.
pub const SESSION_COOKIE: &str = "rota_session";

/// The cookie holding the form token a page's forms echo back (CSRF).
pub const CSRF_COOKIE: &str = "rota_csrf";

/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// How long a session cookie lives in the browser (the session's absolute
/// expiry, A3, ends it on the server first).
const SESSION_COOKIE_SECONDS: u32 = 43_200;

/// `Set-Cookie` for a new session (A3): `HttpOnly; SameSite=Lax`, `Secure`
/// when the server is reached over HTTPS.
#[must_use]
pub fn session_cookie(token: &SecretString, secure: bool) -> String {
    cookie(
        SESSION_COOKIE,
        token.expose_secret(),
        SESSION_COOKIE_SECONDS,
        secure,
    )
}

/// `Set-Cookie` that removes the session cookie.
#[must_use]
pub fn clear_session_cookie(secure: bool) -> String {
    cookie(SESSION_COOKIE, "", 0, secure)
}

/// `Set-Cookie` for a form token (U7): `HttpOnly; SameSite=Strict`.
#[must_use]
pub fn csrf_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

fn cookie(name: &str, value: &str, max_age: u32, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The value of cookie `name` among `Cookie` header values.
pub fn cookie_value<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Whether a change came from this site (U7, CSRF): `Sec-Fetch-Site` when
/// the browser sends it, else `Origin`. With neither it is not a browser
/// that could be tricked (browsers send `Origin` on cross-site POSTs), and
/// `SameSite` keeps the cookies off cross-site requests anyway.
#[must_use]
pub fn same_origin(sec_fetch_site: Option<&str>, origin: Option<&str>, ours: &str) -> bool {
    if let Some(site) = sec_fetch_site {
        return matches!(site, "same-origin" | "none");
    }
    origin.is_none_or(|o| o == ours)
}

/// The client's address, for throttling (A9): the socket's `peer`, unless
/// the peer is one of the `trusted` proxies; then the nearest address in
/// `X-Forwarded-For` (its values, in order) that is not a trusted proxy.
/// Anyone else's forwarded headers are ignored, so a client cannot pick its
/// own address.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded_for
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    // The right-most hop is the one the trusted proxy saw.
    hops.into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

/// Whether a submitted form token matches the cookie's, compared in
/// constant time (U7).
#[must_use]
pub fn csrf_matches(cookie: Option<&str>, submitted: Option<&str>) -> bool {
    match (cookie, submitted) {
        (Some(c), Some(s)) if !c.is_empty() && c.len() == s.len() => {
            c.bytes()
                .zip(s.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a3_the_session_cookie_is_http_only_lax_and_secure_over_https() {
        let c = session_cookie(&SecretString::from("t"), true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie(&SecretString::from("t"), false).contains("Secure"));
        assert!(clear_session_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn u7_cookies_are_found_and_changes_must_come_from_our_origin() {
        assert_eq!(
            cookie_value(["a=b; rota_session=xyz; c=d"], SESSION_COOKIE),
            Some("xyz")
        );
        assert_eq!(cookie_value(["a=b", "rota_csrf=k"], CSRF_COOKIE), Some("k"));
        let ours = "https://rota.example";
        assert!(same_origin(None, None, ours));
        assert!(same_origin(None, Some(ours), ours));
        assert!(!same_origin(None, Some("https://evil.example"), ours));
        assert!(!same_origin(Some("cross-site"), Some(ours), ours));
        assert!(same_origin(Some("same-origin"), None, ours));
    }

    #[test]
    fn a9_forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let stranger: IpAddr = "9.9.9.9".parse().unwrap();
        let header = ["6.6.6.6, 1.2.3.4"];
        assert_eq!(
            client_address(stranger, header, &[proxy]),
            stranger,
            "not trusted"
        );
        assert_eq!(
            client_address(proxy, header, &[proxy]).to_string(),
            "1.2.3.4",
            "the hop the proxy saw, not what the client claimed before it"
        );
        assert_eq!(client_address(proxy, [], &[proxy]), proxy);
    }

    #[test]
    fn u7_a_form_token_must_match_its_cookie() {
        assert!(csrf_matches(Some("abc"), Some("abc")));
        assert!(!csrf_matches(Some("abc"), Some("abd")));
        assert!(!csrf_matches(Some("abc"), None));
        assert!(!csrf_matches(None, Some("abc")));
        assert!(!csrf_matches(Some(""), Some("")));
    }
}
