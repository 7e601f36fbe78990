//! Media types: what a module's source is (TypeScript, JavaScript, JSON, ...).

/// What a module's source is, decided as Deno decides it: by Content-Type for a
/// remote module, by extension otherwise (and when the type says nothing more).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    JavaScript,
    Jsx,
    TypeScript,
    Tsx,
    Json,
    Unknown,
}

impl MediaType {
    pub fn from_path(path: &str) -> MediaType {
        let ext = path.rsplit_once('.').map_or("", |(_, ext)| ext);
        match ext {
            "ts" | "mts" | "cts" => MediaType::TypeScript,
            "tsx" => MediaType::Tsx,
            "js" | "mjs" | "cjs" => MediaType::JavaScript,
            "jsx" => MediaType::Jsx,
            "json" => MediaType::Json,
            _ => MediaType::Unknown,
        }
    }

    /// A remote module's type from its Content-Type header (None: no header).
    pub fn from_content_type(content_type: Option<&str>, path: &str) -> MediaType {
        let by_path = MediaType::from_path(path);
        let Some(content_type) = content_type else {
            return by_path;
        };
        let essence = content_type.split(';').next().unwrap_or("").trim();
        match essence.to_ascii_lowercase().as_str() {
            "application/typescript"
            | "text/typescript"
            | "video/vnd.dlna.mpeg-tts"
            | "video/mp2t"
            | "application/x-typescript" => match by_path {
                MediaType::Tsx => MediaType::Tsx,
                _ => MediaType::TypeScript,
            },
            "application/javascript"
            | "text/javascript"
            | "application/ecmascript"
            | "text/ecmascript"
            | "application/x-javascript"
            | "application/node" => match by_path {
                MediaType::Jsx => MediaType::Jsx,
                _ => MediaType::JavaScript,
            },
            "text/jsx" => MediaType::Jsx,
            "text/tsx" => MediaType::Tsx,
            "application/json" | "text/json" => MediaType::Json,
            "text/plain" | "application/octet-stream" => by_path,
            _ => MediaType::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MediaType::JavaScript => "JavaScript",
            MediaType::Jsx => "JSX",
            MediaType::TypeScript => "TypeScript",
            MediaType::Tsx => "TSX",
            MediaType::Json => "Json",
            MediaType::Unknown => "Unknown",
        }
    }
}
