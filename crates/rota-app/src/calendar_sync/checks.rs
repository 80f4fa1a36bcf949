//! What a link to a calendar must be before it is tried.

use secrecy::ExposeSecret;

use super::{CalendarSyncError, NewCalendarLink};

/// The link with its fields trimmed and checked: an `https` URL (or
/// `http` to this machine, for a calendar server beside Rota), no
/// credentials in it, a user name and a password.
pub(super) fn checked(new: NewCalendarLink) -> Result<NewCalendarLink, CalendarSyncError> {
    let invalid = |field, message: &str| CalendarSyncError::Invalid {
        field,
        message: message.to_owned(),
    };
    let raw = new.url.trim();
    if raw.is_empty() {
        return Err(invalid("url", "Enter the calendar's URL."));
    }
    if raw.len() > 2000 {
        return Err(invalid("url", "The URL is longer than 2,000 characters."));
    }
    let url = url::Url::parse(raw)
        .map_err(|_| invalid("url", "This is not a URL (it starts with https://)."))?;
    let local = matches!(
        url.host(),
        Some(
            url::Host::Domain("localhost")
                | url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST)
                | url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST)
        )
    );
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        _ => {
            return Err(invalid(
                "url",
                "The URL must start with https:// (the password travels with every request).",
            ));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "url",
            "Leave the user name and password out of the URL; enter them below.",
        ));
    }
    let username = new.username.trim();
    if username.is_empty() {
        return Err(invalid(
            "username",
            "Enter the calendar account's user name.",
        ));
    }
    if username.chars().count() > 320 {
        return Err(invalid(
            "username",
            "The user name is longer than 320 characters.",
        ));
    }
    let password = new.password.expose_secret();
    if password.is_empty() {
        return Err(invalid(
            "password",
            "Enter the app password or token the calendar service gave you.",
        ));
    }
    if password.chars().count() > 1000 {
        return Err(invalid(
            "password",
            "The password is longer than 1,000 characters.",
        ));
    }
    Ok(NewCalendarLink {
        url: raw.to_owned(),
        username: username.to_owned(),
        password: new.password,
    })
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn link(url: &str) -> NewCalendarLink {
        NewCalendarLink {
            url: url.into(),
            username: "pat".into(),
            password: SecretString::from("app-password"),
        }
    }

    #[test]
    fn a_link_needs_https_or_this_machine_and_no_credentials_in_the_url() {
        assert!(checked(link("https://dav.example/cal/pat/")).is_ok());
        assert!(checked(link(" http://127.0.0.1:5232/pat/cal/ ")).is_ok());
        assert!(checked(link("http://localhost:5232/pat/cal/")).is_ok());
        for bad in [
            "",
            "dav.example/cal",
            "http://dav.example/cal/",
            "ftp://dav.example/cal/",
            "https://pat:secret@dav.example/cal/",
        ] {
            let e = checked(link(bad)).unwrap_err();
            assert!(
                matches!(e, CalendarSyncError::Invalid { field: "url", .. }),
                "{bad}: {e}"
            );
        }
        let mut no_password = link("https://dav.example/");
        no_password.password = SecretString::from("");
        assert!(matches!(
            checked(no_password),
            Err(CalendarSyncError::Invalid {
                field: "password",
                ..
            })
        ));
    }
}
