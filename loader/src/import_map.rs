//! Import maps (WICG): `imports` and `scopes` map specifiers (bare ones, or URL
//! prefixes ending in `/`) to URLs. Parsed and normalized as the spec says (keys and
//! addresses resolved against the map's own URL; a bad entry is dropped with a warning
//! that names it, as Deno does); resolution tries the scopes that contain the
//! importing module, most specific first, then `imports`, then the specifier as a URL.
use serde_json::{Map, Value};
use url::Url;

/// A specifier map: (key, address) longest key first; None: the entry was invalid, and
/// blocks what it matches.
type SpecifierMap = Vec<(String, Option<Url>)>;

#[derive(Debug, Default)]
pub struct ImportMap {
    imports: SpecifierMap,
    /// (scope prefix, its map), longest prefix first.
    scopes: Vec<(String, SpecifierMap)>,
}

impl ImportMap {
    /// The map in `text` (JSON), its relative URLs resolved against `base` (where the
    /// map was read from). Err: not a map at all; `warn` hears of each entry dropped.
    pub fn parse(text: &str, base: &Url, warn: &mut dyn FnMut(String)) -> Result<Self, String> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| format!("the import map {base} is not JSON: {e}"))?;
        let Value::Object(top) = json else {
            return Err(format!("the import map {base} must be a JSON object"));
        };
        let object = |key: &str| match top.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(format!(
                "the import map {base}: \"{key}\" must be an object"
            )),
        };
        let imports = object("imports")?.map(|m| specifier_map(m, base, "imports", warn));
        let mut scopes = Vec::new();
        for (prefix, map) in object("scopes")?.into_iter().flatten() {
            let Value::Object(map) = map else {
                return Err(format!(
                    "the import map {base}: scope \"{prefix}\" must be an object"
                ));
            };
            match base.join(prefix) {
                Ok(url) => scopes.push((url.to_string(), specifier_map(map, base, prefix, warn))),
                Err(e) => warn(format!(
                    "import map: scope \"{prefix}\" is not a URL ({e}): ignored"
                )),
            }
        }
        scopes.sort_by(|a, b| b.0.cmp(&a.0));
        for key in top.keys().filter(|k| *k != "imports" && *k != "scopes") {
            warn(format!("import map: unknown key \"{key}\": ignored"));
        }
        Ok(ImportMap {
            imports: imports.unwrap_or_default(),
            scopes,
        })
    }

    /// The URL `specifier` names when `referrer` imports it. Err: a bare specifier the
    /// map does not map, or an entry that blocks it.
    pub fn resolve(&self, specifier: &str, referrer: &Url) -> Result<Url, String> {
        let as_url = url_like(specifier, referrer);
        let normalized = as_url
            .as_ref()
            .map_or(specifier.to_string(), Url::to_string);
        let scopes = self.scopes.iter().filter(|(prefix, _)| {
            prefix == referrer.as_str()
                || (prefix.ends_with('/') && referrer.as_str().starts_with(prefix.as_str()))
        });
        for (_, map) in scopes
            .map(|s| (s.0.as_str(), &s.1))
            .chain([("", &self.imports)])
        {
            if let Some(found) = matched(&normalized, as_url.as_ref(), map)? {
                return Ok(found);
            }
        }
        as_url.ok_or_else(|| {
            format!("Relative import path \"{specifier}\" not prefixed with / or ./ or ../ and not in the import map")
        })
    }
}

/// `specifier` as a URL if it is one, or a path relative to `base` (`/`, `./`, `../`).
fn url_like(specifier: &str, base: &Url) -> Option<Url> {
    if ["/", "./", "../"].iter().any(|p| specifier.starts_with(p)) {
        return base.join(specifier).ok();
    }
    Url::parse(specifier).ok()
}

fn specifier_map(
    map: &Map<String, Value>,
    base: &Url,
    name: &str,
    warn: &mut dyn FnMut(String),
) -> SpecifierMap {
    let mut entries: SpecifierMap = Vec::new();
    for (key, value) in map {
        if key.is_empty() {
            warn(format!("import map: an empty key in \"{name}\": ignored"));
            continue;
        }
        let key_url = url_like(key, base).map_or(key.clone(), |u| u.to_string());
        let address = match value {
            Value::String(address) => url_like(address, base),
            _ => None,
        };
        let address = match address {
            Some(url) if key.ends_with('/') && !url.as_str().ends_with('/') => {
                warn(format!(
                    "import map: \"{key}\" in \"{name}\" ends with / but its address {url} does not: it maps nothing"
                ));
                None
            }
            Some(url) => Some(url),
            None => {
                warn(format!("import map: the address of \"{key}\" in \"{name}\" ({value}) is not a URL: it maps nothing"));
                None
            }
        };
        entries.push((key_url, address));
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0));
    entries
}

/// The URL `map` gives the (normalized) specifier: its exact key, or the longest key
/// ending in `/` that prefixes it (for a bare specifier or a special URL). Err: the
/// entry blocks it, or the rest would climb out of its address.
fn matched(
    normalized: &str,
    as_url: Option<&Url>,
    map: &SpecifierMap,
) -> Result<Option<Url>, String> {
    let blocked =
        |key: &str| format!("the import map maps \"{key}\" to nothing (its entry is invalid)");
    for (key, address) in map {
        if key == normalized {
            return address.clone().map(Some).ok_or_else(|| blocked(key));
        }
        let special = as_url.is_none_or(|u| matches!(u.scheme(), "http" | "https" | "file"));
        if key.ends_with('/') && normalized.starts_with(key.as_str()) && special {
            let address = address.as_ref().ok_or_else(|| blocked(key))?;
            let rest = &normalized[key.len()..];
            let url = address.join(rest).map_err(|e| {
                format!("the import map cannot map \"{normalized}\" with \"{key}\": {e}")
            })?;
            if !url.as_str().starts_with(address.as_str()) {
                return Err(format!(
                    "\"{normalized}\" climbs out of \"{key}\"'s address {address}"
                ));
            }
            return Ok(Some(url));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(json: &str) -> (ImportMap, Vec<String>) {
        let mut warnings = vec![];
        let base = Url::parse("file:///app/import_map.json").unwrap();
        let map = ImportMap::parse(json, &base, &mut |w| warnings.push(w)).unwrap();
        (map, warnings)
    }

    fn resolve(map: &ImportMap, specifier: &str, referrer: &str) -> Result<String, String> {
        map.resolve(specifier, &Url::parse(referrer).unwrap())
            .map(String::from)
    }

    #[test]
    fn imports_exact_and_by_prefix_scopes_first_then_fallbacks() {
        let (m, warnings) = map(r#"{
            "imports": {
                "lodash": "./vendor/lodash.ts",
                "std/": "https://deno.land/std@0.1/",
                "std/path/": "./my-path/",
                "https://cdn.example/x.ts": "./local-x.ts",
                "/abs/": "./mapped/"
            },
            "scopes": {
                "./legacy/": { "lodash": "./vendor/lodash-old.ts" },
                "./legacy/deep/": { "lodash": "./vendor/lodash-older.ts" }
            }
        }"#);
        assert_eq!(warnings, Vec::<String>::new());
        let main = "file:///app/main.ts";
        let cases = [
            ("lodash", main, "file:///app/vendor/lodash.ts"),
            ("std/fs/mod.ts", main, "https://deno.land/std@0.1/fs/mod.ts"),
            // The longest prefix wins.
            ("std/path/mod.ts", main, "file:///app/my-path/mod.ts"),
            ("https://cdn.example/x.ts", main, "file:///app/local-x.ts"),
            ("/abs/a.ts", main, "file:///app/mapped/a.ts"),
            // The most specific scope of the importer, then the next, then `imports`.
            (
                "lodash",
                "file:///app/legacy/a.ts",
                "file:///app/vendor/lodash-old.ts",
            ),
            (
                "lodash",
                "file:///app/legacy/deep/a.ts",
                "file:///app/vendor/lodash-older.ts",
            ),
            (
                "std/fs/mod.ts",
                "file:///app/legacy/a.ts",
                "https://deno.land/std@0.1/fs/mod.ts",
            ),
            // Not in the map: relative and absolute URLs as they are.
            ("./util.ts", main, "file:///app/util.ts"),
            (
                "https://other.example/y.ts",
                main,
                "https://other.example/y.ts",
            ),
        ];
        for (specifier, referrer, expected) in cases {
            assert_eq!(
                resolve(&m, specifier, referrer).as_deref(),
                Ok(expected),
                "{specifier} from {referrer}"
            );
        }
        let e = resolve(&m, "react", main).unwrap_err();
        assert!(
            e.contains("\"react\" not prefixed") && e.contains("import map"),
            "{e}"
        );
    }

    #[test]
    fn bad_entries_are_dropped_with_a_warning_naming_them_and_block_what_they_match() {
        let (m, warnings) = map(r#"{
            "imports": { "a": 1, "b/": "./no-slash", "": "./x.ts", "c": "./c.ts" },
            "scopes": { "./s/": { "d": null } },
            "extra": true
        }"#);
        let joined = warnings.join("\n");
        for named in [
            "\"a\" in \"imports\"",
            "\"b/\" in \"imports\"",
            "empty key",
            "\"d\" in \"./s/\"",
            "unknown key \"extra\"",
        ] {
            assert!(joined.contains(named), "{named}: {joined}");
        }
        let e = resolve(&m, "a", "file:///app/main.ts").unwrap_err();
        assert!(e.contains("maps \"a\" to nothing"), "{e}");
        let e = resolve(&m, "b/x.ts", "file:///app/main.ts").unwrap_err();
        assert!(e.contains("maps \"b/\" to nothing"), "{e}");
        assert_eq!(
            resolve(&m, "c", "file:///app/main.ts").as_deref(),
            Ok("file:///app/c.ts")
        );
        // Climbing out of a prefix's address is refused.
        let (m, _) = map(r#"{ "imports": { "lib/": "./lib/" } }"#);
        let e = resolve(&m, "lib/../../etc/passwd", "file:///app/main.ts").unwrap_err();
        assert!(e.contains("climbs out"), "{e}");
    }

    #[test]
    fn what_is_not_a_map_is_an_error() {
        let base = Url::parse("file:///app/m.json").unwrap();
        for (text, says) in [
            ("[]", "must be a JSON object"),
            ("{", "is not JSON"),
            (r#"{"imports": []}"#, "\"imports\" must be an object"),
            (
                r#"{"scopes": {"./a/": 1}}"#,
                "scope \"./a/\" must be an object",
            ),
        ] {
            let e = ImportMap::parse(text, &base, &mut |_| {}).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
