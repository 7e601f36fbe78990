//! The WHATWG URL parser behind `URL` (js/web/url.ts), on the `url` crate: parse a URL
//! against an optional base, or set one component of a URL and reparse it (the
//! setters' rules are the crate's `quirks`, which follow the spec's setters). A URL
//! that does not parse is a reply without `href`, not an error: `URL.canParse` is a
//! common question, not a failure.
use url::{quirks, Position, Url};

use crate::errors::OpResult;
use crate::msg::{self, UrlSetter};
use crate::ops::reply::{reply, request_table, Ctx, Op, Res, ZeroCopyBuf};

pub fn op_url_parse(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::UrlParse>(base)?;
    let href = t.href().unwrap_or_default();
    let parsed = if t.has_base() {
        Url::parse(t.base().unwrap_or_default())
            .and_then(|base| Url::options().base_url(Some(&base)).parse(href))
    } else {
        Url::parse(href)
    };
    Ok(Op::Sync(url_reply(state, parsed.ok().as_ref(), href)))
}

pub fn op_url_reparse(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::UrlReparse>(base)?;
    let value = t.value().unwrap_or_default();
    let Ok(mut url) = Url::parse(t.href().unwrap_or_default()) else {
        return Ok(Op::Sync(url_reply(state, None, "")));
    };
    // A setter whose value does not apply leaves the URL as it was (the spec's setters
    // fail silently); only `href` must parse.
    let set = match t.setter() {
        UrlSetter::Href => quirks::set_href(&mut url, value).map_err(|_| ()),
        UrlSetter::Protocol => quirks::set_protocol(&mut url, value),
        UrlSetter::Username => quirks::set_username(&mut url, value),
        UrlSetter::Password => quirks::set_password(&mut url, value),
        UrlSetter::Host => quirks::set_host(&mut url, value),
        UrlSetter::Hostname => quirks::set_hostname(&mut url, value),
        UrlSetter::Port => quirks::set_port(&mut url, value),
        UrlSetter::Pathname => {
            quirks::set_pathname(&mut url, value);
            Ok(())
        }
        UrlSetter::Search => {
            quirks::set_search(&mut url, value);
            Ok(())
        }
        UrlSetter::Hash => {
            quirks::set_hash(&mut url, value);
            Ok(())
        }
        _ => Ok(()),
    };
    let href_failed = set.is_err() && t.setter() == UrlSetter::Href;
    Ok(Op::Sync(url_reply(
        state,
        (!href_failed).then_some(&url),
        "",
    )))
}

/// The positions `UrlParseRes.offsets` lists, in order.
const POSITIONS: [Position; 15] = [
    Position::AfterScheme,
    Position::BeforeUsername,
    Position::AfterUsername,
    Position::BeforePassword,
    Position::AfterPassword,
    Position::BeforeHost,
    Position::AfterHost,
    Position::BeforePort,
    Position::AfterPort,
    Position::BeforePath,
    Position::AfterPath,
    Position::BeforeQuery,
    Position::AfterQuery,
    Position::BeforeFragment,
    Position::AfterFragment,
];

/// The reply for `url` (None: not a URL); its serialization is left out when it is
/// `input` as it was, which JS has already (most URLs in code are written normalized).
fn url_reply(state: &Ctx, url: Option<&Url>, input: &str) -> Res {
    reply(state, |b| {
        let Some(url) = url else {
            return msg::UrlParseRes::create(b, &msg::UrlParseResArgs::default());
        };
        let offsets = Some(b.create_vector(&POSITIONS.map(|p| url[..p].len() as u32)));
        let same = url.as_str() == input;
        let href = (!same).then(|| b.create_string(url.as_str()));
        msg::UrlParseRes::create(
            b,
            &msg::UrlParseResArgs {
                href,
                same,
                offsets,
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::msg::{self, UrlSetter};
    use crate::ops::testing::*;

    fn parse(href: &str, base: Option<&str>) -> Option<(String, Vec<u32>)> {
        let d = dispatcher();
        let req = request(true, msg::Any::UrlParse, |b| {
            let (href, base_text) = (b.create_string(href), b.create_string(base.unwrap_or("")));
            let args = msg::UrlParseArgs {
                href: Some(href),
                base: Some(base_text),
                has_base: base.is_some(),
            };
            msg::UrlParse::create(b, &args)
        });
        read_as(&run_sync(&d, &req).unwrap(), href)
    }

    fn reparse(href: &str, setter: UrlSetter, value: &str) -> Option<(String, Vec<u32>)> {
        let d = dispatcher();
        let req = request(true, msg::Any::UrlReparse, |b| {
            let (href, value) = (Some(b.create_string(href)), Some(b.create_string(value)));
            msg::UrlReparse::create(
                b,
                &msg::UrlReparseArgs {
                    href,
                    setter,
                    value,
                },
            )
        });
        read_as(&run_sync(&d, &req).unwrap(), "")
    }

    /// (the serialization, the offsets); `input` stands in for an unchanged one.
    fn read_as(reply: &[u8], input: &str) -> Option<(String, Vec<u32>)> {
        let res = reply_base(reply).res_as_url_parse_res().unwrap();
        let href = match (res.href(), res.same()) {
            (Some(href), false) => href.to_string(),
            (None, true) => input.to_string(),
            (None, false) => return None,
            (Some(_), true) => panic!("an unchanged URL is not sent back"),
        };
        Some((href, res.offsets().unwrap().iter().collect()))
    }

    #[test]
    fn a_url_parses_against_its_base_with_the_offsets_of_its_parts() {
        let (href, at) = parse("../b?q=1#f", Some("https://user:pw@example.com:8080/a/c")).unwrap();
        assert_eq!(href, "https://user:pw@example.com:8080/b?q=1#f");
        let part = |i: usize| &href[at[i] as usize..at[i + 1] as usize];
        assert_eq!(&href[..at[0] as usize], "https");
        assert_eq!(
            [
                part(1),
                part(3),
                part(5),
                part(7),
                part(9),
                part(11),
                part(13)
            ],
            ["user", "pw", "example.com", "8080", "/b", "q=1", "f"]
        );
    }

    #[test]
    fn what_is_not_a_url_has_no_href() {
        assert_eq!(parse("not a url", None), None);
        assert_eq!(parse("/path", None), None);
        assert_eq!(parse("/path", Some("also not a url")), None);
        assert_eq!(parse("http://[::1", None), None);
        assert_eq!(parse("", Some("")), None);
        assert!(parse("/path", Some("file:///x")).is_some());
        // Already normalized: not sent back; else the normalized form is.
        assert_eq!(parse("https://a.org/x", None).unwrap().0, "https://a.org/x");
        assert_eq!(parse("HTTPS://A.org", None).unwrap().0, "https://a.org/");
    }

    #[test]
    fn setters_apply_what_they_can_and_only_a_bad_href_fails() {
        let url = "http://example.com/p?q#h";
        let href = |setter, value| reparse(url, setter, value).map(|(h, _)| h);
        assert_eq!(
            href(UrlSetter::Port, "81").unwrap(),
            "http://example.com:81/p?q#h"
        );
        assert_eq!(
            href(UrlSetter::Port, "99999").unwrap(),
            url,
            "out of range: unchanged"
        );
        assert_eq!(
            href(UrlSetter::Hostname, "a b").unwrap(),
            url,
            "a bad host: unchanged"
        );
        assert_eq!(
            href(UrlSetter::Protocol, "https").unwrap(),
            "https://example.com/p?q#h"
        );
        assert_eq!(
            href(UrlSetter::Search, "x=1").unwrap(),
            "http://example.com/p?x=1#h"
        );
        assert_eq!(href(UrlSetter::Hash, "").unwrap(), "http://example.com/p?q");
        assert_eq!(
            href(UrlSetter::Pathname, "a b").unwrap(),
            "http://example.com/a%20b?q#h"
        );
        assert_eq!(href(UrlSetter::Href, "nope"), None);
    }
}
