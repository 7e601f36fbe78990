//! Module sources: local files, and remote modules downloaded over HTTP(S) into
//! `$DENO_DIR/deps/<scheme>/<host>/<path>` with their status and headers beside them
//! (`<path>.metadata.json`), read from there on later runs without the network.
use std::collections::HashSet;
use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use crate::import_map::ImportMap;

use crate::deno_dir::{deno_dir, write_atomic};
use crate::media::MediaType;

/// A module's source as loaded.
pub struct Source {
    /// Where it was found: the requested URL, or where its redirects ended.
    pub url: Url,
    pub media: MediaType,
    pub code: String,
    /// The file it was read from: the module itself, or its copy in the deps cache.
    pub local: PathBuf,
}

/// How remote modules are fetched, as the command line says.
#[derive(Default)]
pub struct Settings {
    /// Download every remote module again (once per program), ignoring the cache.
    pub reload: bool,
    /// A PEM file of CA certificates to trust besides the bundled Mozilla roots.
    pub cert: Option<PathBuf>,
    /// How long a download may take (default 30 s).
    pub timeout: Option<Duration>,
}

/// How a program fetches remote modules: a value made from its [`Settings`] (a bad
/// `--cert` fails at once, before anything runs) and shared by its workers. The HTTP
/// agent is made on the first remote fetch: a run of local modules never builds a TLS
/// configuration.
#[derive(Default)]
pub struct Fetcher {
    reload: bool,
    extra_roots: Vec<ureq::tls::Certificate<'static>>,
    timeout: Option<Duration>,
    agent: OnceLock<ureq::Agent>,
    /// URLs downloaded by this program (with `reload`, each is fetched once).
    fetched: Mutex<HashSet<String>>,
    /// `--import-map`: how the program's imports resolve.
    import_map: Option<ImportMap>,
}

/// The environment variable with the remote-fetch timeout, in seconds (read by the
/// command line, which gives it as `Settings::timeout`).
pub const TIMEOUT_VAR: &str = "MINIDENO_FETCH_TIMEOUT";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// A module larger than this is refused (local, remote or cached).
const MAX_MODULE_BYTES: u64 = 256 << 20;
const MAX_REDIRECTS: usize = 10;

impl Fetcher {
    /// Fetching as `settings` say. Errors: an unreadable `cert`, or one without a PEM
    /// certificate.
    pub fn new(settings: Settings) -> Result<Fetcher, String> {
        let mut extra_roots = Vec::new();
        if let Some(path) = &settings.cert {
            let pem = read_regular(path, true, 16 << 20)
                .map_err(|e| format!("cannot read --cert \"{}\": {e}", path.display()))?;
            extra_roots.extend(ureq::tls::parse_pem(&pem).filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
                _ => None,
            }));
            if extra_roots.is_empty() {
                return Err(format!(
                    "--cert \"{}\" holds no PEM certificate",
                    path.display()
                ));
            }
        }
        Ok(Fetcher {
            reload: settings.reload,
            extra_roots,
            timeout: settings.timeout,
            ..Default::default()
        })
    }

    /// The import map every module of the program resolves its imports through.
    pub fn with_import_map(mut self, map: ImportMap) -> Self {
        self.import_map = Some(map);
        self
    }

    pub fn import_map(&self) -> Option<&ImportMap> {
        self.import_map.as_ref()
    }

    /// The HTTP agent, made on first use.
    fn agent(&self) -> &ureq::Agent {
        self.agent.get_or_init(|| {
            let mut tls = ureq::tls::TlsConfig::builder();
            if !self.extra_roots.is_empty() {
                // The Mozilla roots ureq uses by default, as certificates, and the extra CAs.
                let mut roots = self.extra_roots.clone();
                roots.extend(
                    webpki_root_certs::TLS_SERVER_ROOT_CERTS
                        .iter()
                        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned()),
                );
                tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&roots));
            }
            ureq::Agent::config_builder()
                .tls_config(tls.build())
                .max_redirects(0)
                .http_status_as_error(false)
                .timeout_global(Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT)))
                .user_agent(concat!("minideno/", env!("CARGO_PKG_VERSION")))
                .build()
                .into()
        })
    }
}

/// What may refuse a module load (a URL before it is read, each redirect before it is
/// followed): the message it fails with. A check of a local file may answer with the
/// file opened where it was checked, which is then read, and never the path again.
pub type Check<'a> = dyn Fn(&Url) -> Result<Opened, String> + 'a;

/// A check that can go with a graph's loading to another thread.
pub type ImportCheck = Box<dyn Fn(&Url) -> Result<Opened, String> + Send>;

/// The file a check opened (or why it could not); None: the loader opens it.
pub type Opened = Option<std::io::Result<fs::File>>;

/// No check: the main module's static graph, as in Deno.
pub fn unchecked(_: &Url) -> Result<Opened, String> {
    Ok(None)
}

/// Loads module `url`: a local file, or a remote module through the deps cache; each
/// URL on the way passes `check` first.
pub fn fetch(fetcher: &Fetcher, url: &Url, check: &Check<'_>) -> Result<Source, String> {
    let opened = check(url)?;
    match url.scheme() {
        "file" => read_file(url, opened),
        "http" | "https" => fetch_remote(fetcher, url, check),
        scheme => Err(format!(
            "Unsupported scheme \"{scheme}\" for module \"{url}\""
        )),
    }
}

fn read_file(url: &Url, opened: Opened) -> Result<Source, String> {
    let path = url
        .to_file_path()
        .map_err(|_| format!("Invalid module path \"{url}\""))?;
    let code = match opened {
        Some(file) => file.and_then(|file| read_open(file, MAX_MODULE_BYTES)),
        None => read_regular(&path, true, MAX_MODULE_BYTES),
    };
    let code = code.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("Module not found \"{url}\"."),
        _ => format!("Cannot load module \"{url}\": {e}"),
    })?;
    let code = String::from_utf8(code)
        .map_err(|_| format!("Cannot load module \"{url}\": it is not valid UTF-8"))?;
    // Local files of no known extension run as JavaScript, as they always have.
    let media = match MediaType::from_path(url.path()) {
        MediaType::Unknown => MediaType::JavaScript,
        media => media,
    };
    Ok(Source {
        url: url.clone(),
        media,
        code,
        local: path,
    })
}

/// A cache entry's metadata: the response's status and headers, and a digest of the
/// body (a damaged body is downloaded again).
#[derive(Serialize, Deserialize)]
struct Metadata {
    url: String,
    status: u16,
    headers: Vec<(String, String)>,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    sha256: String,
}

impl Metadata {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Where `url`'s body is cached: its path below `deps/<scheme>/<host>[_<port>]/`. A
/// URL with a query, a path ending in `/` or a segment no file can be named gets a
/// name made from its digest.
pub fn cache_path(url: &Url) -> PathBuf {
    let mut path = deno_dir().join("deps").join(url.scheme());
    let host = url.host_str().unwrap_or("_");
    path.push(match url.port() {
        Some(port) => format!("{host}_{port}"),
        None => host.to_string(),
    });
    let segments: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    fn plain(s: &&&str) -> bool {
        !s.is_empty() && **s != "." && **s != ".." && s.len() <= 200
    }
    for segment in &segments[..segments.len().saturating_sub(1)] {
        path.push(if plain(&segment) { segment } else { "_" });
    }
    match segments.last().filter(plain) {
        Some(name) if url.query().is_none() => path.push(name),
        last => {
            let digest = hex(&Sha256::digest(url.as_str()))[..16].to_string();
            path.push(format!("{}_{digest}", last.filter(plain).unwrap_or(&"")));
        }
    }
    path
}

fn metadata_path(body: &Path) -> PathBuf {
    let mut name = body.as_os_str().to_owned();
    name.push(".metadata.json");
    PathBuf::from(name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn fetch_remote(fetcher: &Fetcher, requested: &Url, check: &Check<'_>) -> Result<Source, String> {
    let mut url = requested.clone();
    for _ in 0..=MAX_REDIRECTS {
        let body_path = cache_path(&url);
        let fresh = !fetcher.reload || fetcher.fetched.lock().unwrap().contains(url.as_str());
        let cached = fresh.then(|| read_cached(&body_path)).flatten();
        let (meta, body) = match cached {
            Some(entry) => entry,
            None => download(fetcher, &url, &body_path)?,
        };
        if let Some(location) = meta.header("location").filter(|_| is_redirect(meta.status)) {
            url = url
                .join(location)
                .map_err(|e| format!("Bad redirect from \"{url}\" to \"{location}\": {e}"))?;
            check(&url)?;
            continue;
        }
        let body = body.unwrap_or_default();
        let code =
            String::from_utf8(body).map_err(|_| format!("Module \"{url}\" is not valid UTF-8"))?;
        let media = MediaType::from_content_type(meta.header("content-type"), url.path());
        return Ok(Source {
            url,
            media,
            code,
            local: body_path,
        });
    }
    Err(format!("Too many redirects from \"{requested}\""))
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The contents of the regular file at `path`, at most `max` bytes; a FIFO, a device,
/// a directory (and a symlink, unless `follow`) is refused without a blocking open, and
/// so is a larger file, before anything is read.
pub fn read_regular(path: &Path, follow: bool, max: u64) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | nofollow)
        .open(path)?;
    read_open(file, max)
}

/// The contents of `file` (opened with O_NONBLOCK) if it is a regular file of at most
/// `max` bytes.
pub fn read_open(file: fs::File, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind};
    let meta = file.metadata()?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "it is a directory"
        } else {
            "not a regular file"
        };
        return Err(Error::new(ErrorKind::InvalidInput, what));
    }
    if meta.len() > max {
        let (size, max) = (meta.len() >> 20, max >> 20);
        return Err(Error::new(
            ErrorKind::FileTooLarge,
            format!("{size} MiB, more than the {max} MiB allowed"),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    match bytes.len() as u64 > max {
        true => Err(Error::new(
            ErrorKind::FileTooLarge,
            "it grew while being read",
        )),
        false => Ok(bytes),
    }
}

/// A cache entry, if present and whole: its metadata, and its body unless a redirect.
/// An entry that is not a regular file (a FIFO, a symlink to a device) is not one.
fn read_cached(body_path: &Path) -> Option<(Metadata, Option<Vec<u8>>)> {
    let meta = read_regular(&metadata_path(body_path), false, 1 << 20).ok()?;
    let meta: Metadata = serde_json::from_slice(&meta).ok()?;
    if is_redirect(meta.status) {
        return Some((meta, None));
    }
    let body = read_regular(body_path, false, MAX_MODULE_BYTES).ok()?;
    let whole = body.len() as u64 == meta.size && hex(&Sha256::digest(&body)) == meta.sha256;
    whole.then_some((meta, Some(body)))
}

/// Downloads `url` (one request, no redirects followed) into the cache.
fn download(
    fetcher: &Fetcher,
    url: &Url,
    body_path: &Path,
) -> Result<(Metadata, Option<Vec<u8>>), String> {
    let mut stderr = std::io::stderr();
    let _ = writeln!(stderr, "Download {url}");
    let failed = |e: &dyn std::fmt::Display| format!("Import \"{url}\" failed: {e}");
    let response = fetcher
        .agent()
        .get(url.as_str())
        .call()
        .map_err(|e| failed(&e))?;
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_string())))
        .collect();
    let mut meta = Metadata {
        url: url.to_string(),
        status,
        headers,
        size: 0,
        sha256: String::new(),
    };
    let body = if is_redirect(status) && meta.header("location").is_some() {
        None
    } else if status == 404 || status == 410 {
        return Err(format!("Module not found \"{url}\"."));
    } else if status != 200 {
        let reason = response.status().canonical_reason().unwrap_or("");
        return Err(failed(&format_args!("{status} {reason}")));
    } else {
        let total = response.body().content_length();
        let mut reader = response
            .into_body()
            .into_reader()
            .take(MAX_MODULE_BYTES + 1);
        let body = read_with_progress(&mut reader, total).map_err(|e| failed(&e))?;
        if body.len() as u64 > MAX_MODULE_BYTES {
            return Err(failed(&"larger than 256 MiB"));
        }
        meta.size = body.len() as u64;
        meta.sha256 = hex(&Sha256::digest(&body));
        Some(body)
    };
    // A cache that cannot be written costs a download next time, nothing more.
    if let Some(dir) = body_path.parent() {
        let json = serde_json::to_vec_pretty(&meta).unwrap_or_default();
        let _ = fs::create_dir_all(dir).and_then(|_| {
            if let Some(body) = &body {
                write_atomic(body_path, &[body])?;
            }
            write_atomic(&metadata_path(body_path), &[&json])
        });
    }
    fetcher.fetched.lock().unwrap().insert(url.to_string());
    Ok((meta, body))
}

/// Reads a response body; on a terminal, shows how much has arrived.
fn read_with_progress(reader: &mut impl Read, total: Option<u64>) -> std::io::Result<Vec<u8>> {
    let mut stderr = std::io::stderr();
    let show = stderr.is_terminal();
    let mut body = Vec::with_capacity(total.unwrap_or(0).min(MAX_MODULE_BYTES) as usize);
    let mut chunk = vec![0; 64 << 10];
    let mut shown = Instant::now();
    loop {
        let n = reader.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
        if show && shown.elapsed() > Duration::from_millis(100) {
            shown = Instant::now();
            let of = total.map(|t| format!(" / {:.1} MiB", t as f64 / 1048576.0));
            let mib = body.len() as f64 / 1048576.0;
            let _ = write!(stderr, "\r\x1b[K  {mib:.1} MiB{}", of.unwrap_or_default());
        }
    }
    if show {
        let _ = write!(stderr, "\r\x1b[K");
    }
    Ok(body)
}
