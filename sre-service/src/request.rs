//! The closed label vocabularies of an HTTP request: [`Method`] and [`StatusClass`], so a
//! request's series is found by index, never by building a string.

/// An HTTP method, as the `method` label: the nine of RFC 9110 and RFC 5789, and
/// `_OTHER` for any other (OpenTelemetry's semantic conventions spell it so), which keeps
/// the label's cardinality bounded whatever clients send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `CONNECT`
    Connect,
    /// `OPTIONS`
    Options,
    /// `TRACE`
    Trace,
    /// `PATCH`
    Patch,
    /// Any other method.
    Other,
}

impl Method {
    /// Every method, in label order.
    pub const ALL: [Self; 10] = [
        Self::Get,
        Self::Head,
        Self::Post,
        Self::Put,
        Self::Delete,
        Self::Connect,
        Self::Options,
        Self::Trace,
        Self::Patch,
        Self::Other,
    ];

    /// The method named by `name` (case-sensitive, as HTTP methods are).
    #[must_use]
    pub fn from_name(name: &str) -> Self {
        match name {
            "GET" => Self::Get,
            "HEAD" => Self::Head,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "DELETE" => Self::Delete,
            "CONNECT" => Self::Connect,
            "OPTIONS" => Self::Options,
            "TRACE" => Self::Trace,
            "PATCH" => Self::Patch,
            _ => Self::Other,
        }
    }

    /// The label value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
            Self::Connect => "CONNECT",
            Self::Options => "OPTIONS",
            Self::Trace => "TRACE",
            Self::Patch => "PATCH",
            Self::Other => "_OTHER",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// How a request ended, as the `status_class` label: the class of its status code, or
/// `cancelled` when its response future was dropped before it produced a response (the
/// client went away, a timeout layer outside gave up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusClass {
    /// `1xx` (codes below 200).
    Informational,
    /// `2xx`
    Success,
    /// `3xx`
    Redirection,
    /// `4xx`
    ClientError,
    /// `5xx` (codes of 500 and above).
    ServerError,
    /// No response: the request was dropped while being served.
    Cancelled,
}

impl StatusClass {
    /// Every class, in label order.
    pub const ALL: [Self; 6] = [
        Self::Informational,
        Self::Success,
        Self::Redirection,
        Self::ClientError,
        Self::ServerError,
        Self::Cancelled,
    ];

    /// The class of a status code: below 200 is `1xx`, 500 and above `5xx`.
    #[must_use]
    pub fn of(status: u16) -> Self {
        match status {
            0..=199 => Self::Informational,
            200..=299 => Self::Success,
            300..=399 => Self::Redirection,
            400..=499 => Self::ClientError,
            _ => Self::ServerError,
        }
    }

    /// The label value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Informational => "1xx",
            Self::Success => "2xx",
            Self::Redirection => "3xx",
            Self::ClientError => "4xx",
            Self::ServerError => "5xx",
            Self::Cancelled => "cancelled",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_follow_the_label_order() {
        for (i, m) in Method::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
            if *m != Method::Other {
                assert_eq!(Method::from_name(m.as_str()), *m);
            }
        }
        assert_eq!(Method::from_name("get"), Method::Other);
        assert_eq!(Method::from_name("BREW"), Method::Other);
        for (i, c) in StatusClass::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
        let classes: Vec<_> = [100, 199, 200, 302, 404, 499, 500, 599, 999]
            .map(|s| StatusClass::of(s).as_str())
            .into();
        assert_eq!(
            classes,
            [
                "1xx", "1xx", "2xx", "3xx", "4xx", "4xx", "5xx", "5xx", "5xx"
            ]
        );
    }
}
