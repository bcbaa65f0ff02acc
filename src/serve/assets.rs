//! The page's files, embedded in the binary: the app needs no network and no install.
//! The fonts are DejaVu Sans (the charts' font in every povsim chart), from the `dejavu` crate;
//! their licence (Bitstream Vera with public-domain changes) allows embedding and serving them.

/// An embedded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: &'static [u8],
}

const INDEX: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/style.css");
const FAVICON: &str = include_str!("assets/favicon.svg");

/// The asset served at `path`, if any.
pub fn find(path: &str) -> Option<Asset> {
    let (content_type, bytes): (&str, &'static [u8]) = match path {
        "/" | "/index.html" => ("text/html; charset=utf-8", INDEX.as_bytes()),
        "/app.js" => ("text/javascript; charset=utf-8", APP_JS.as_bytes()),
        "/style.css" => ("text/css; charset=utf-8", STYLE.as_bytes()),
        "/favicon.svg" => ("image/svg+xml", FAVICON.as_bytes()),
        "/fonts/DejaVuSans.ttf" => ("font/ttf", dejavu::sans::regular()),
        "/fonts/DejaVuSans-Bold.ttf" => ("font/ttf", dejavu::sans::bold()),
        _ => return None,
    };
    Some(Asset {
        content_type,
        bytes,
    })
}
