//! Text placement. On SVG a string is one `<text>` element; the viewer lays it out. On the
//! bitmap, plotters 0.3.7's ab_glyph renderer places each glyph without its side bearing, so
//! letters collide or drift apart ("Tr uly"). There, strings are drawn one character at a time:
//! each character's ink is centred in the advance plotters computes for it (which keeps kerning
//! and the string's width unchanged). Glyph ink widths are measured once, on a scratch bitmap.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use anyhow::Result;
use plotters::element::Text;
use plotters::prelude::{BitMapBackend, DrawingBackend, IntoDrawingArea, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontTransform, TextStyle, BLACK};

use super::draw::Area;

/// A backend the charts are drawn on, and whether its text needs per-glyph placement.
pub trait Backend: DrawingBackend {
    /// Place glyphs one by one (bitmap) rather than trusting the backend with whole strings (SVG).
    const GLYPHS: bool;
}

impl Backend for BitMapBackend<'_> {
    const GLYPHS: bool = true;
}

impl Backend for SVGBackend<'_> {
    const GLYPHS: bool = false;
}

/// Width of `text` in pixels, as plotters lays it out.
pub fn width<DB: Backend>(area: &Area<DB>, text: &str, style: &TextStyle) -> Result<u32>
where
    DB::ErrorType: 'static,
{
    if text.is_empty() {
        return Ok(0);
    }
    Ok(area.estimate_text_size(text, style)?.0)
}

/// Draw `text` at `pos` (pixels in `area`), anchored by `h` and `v`; `vertical` reads bottom to top.
pub fn put<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    style: &TextStyle,
    pos: (i32, i32),
    (h, v): (HPos, VPos),
    vertical: bool,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if text.trim().is_empty() {
        return Ok(());
    }
    let transform = if vertical {
        FontTransform::Rotate270
    } else {
        FontTransform::None
    };
    if !DB::GLYPHS {
        let style = style.clone().transform(transform).pos(Pos::new(h, v));
        area.draw(&Text::new(text.to_string(), pos, style))?;
        return Ok(());
    }
    // Advance of every prefix: the left edge of each character's cell.
    let mut edges = vec![0i32];
    for (k, c) in text.char_indices() {
        edges.push(width(area, &text[..k + c.len_utf8()], style)? as i32);
    }
    let total = *edges.last().unwrap_or(&0);
    let start = match h {
        HPos::Left => 0,
        HPos::Center => -total / 2,
        HPos::Right => -total,
    };
    // Across the text: Top puts the capitals' top at the anchor, Center their middle, Bottom
    // the baseline (plotters' own placement sits about a quarter of the size too high).
    let (cap_top, cap_bottom) = ink('H', style).map_or((0, 0), |g| (g.y, g.y + g.h));
    let across = match v {
        VPos::Top => -cap_top,
        VPos::Center => -(cap_top + cap_bottom) / 2,
        VPos::Bottom => -cap_bottom,
    };
    let glyph_style = style
        .clone()
        .transform(transform)
        .pos(Pos::new(HPos::Left, VPos::Top));
    for (k, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            continue;
        }
        let Some(g) = ink(c, style) else { continue };
        let cell = edges[k + 1] - edges[k];
        let along = start + edges[k] + (cell - g.w) / 2 - g.x;
        let at = if vertical {
            (pos.0 + across, pos.1 - along)
        } else {
            (pos.0 + along, pos.1 + across)
        };
        area.draw(&Text::new(c.to_string(), at, glyph_style.clone()))?;
    }
    Ok(())
}

/// Ink box of a character drawn by plotters at (0, 0) anchored left-top.
#[derive(Debug, Clone, Copy)]
struct Ink {
    x: i32,
    w: i32,
    y: i32,
    h: i32,
}

/// The ink box of `c` in `style` (None for a character without ink), measured once.
fn ink(c: char, style: &TextStyle) -> Option<Ink> {
    type Key = (char, u64, String);
    static CACHE: OnceLock<Mutex<HashMap<Key, Option<Ink>>>> = OnceLock::new();
    let size = style.font.get_size();
    let key = (
        c,
        size.to_bits(),
        style.font.get_style().as_str().to_string(),
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok().and_then(|m| m.get(&key).copied()) {
        return found;
    }
    let measured = measure(c, style);
    if let Ok(mut m) = cache.lock() {
        m.insert(key, measured);
    }
    measured
}

fn measure(c: char, style: &TextStyle) -> Option<Ink> {
    let size = style.font.get_size().max(1.0);
    let (w, h) = ((size * 4.0) as u32 + 8, (size * 3.0) as u32 + 8);
    let origin = (size as i32, size as i32);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        let style = style
            .clone()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top));
        area.draw(&Text::new(c.to_string(), origin, style)).ok()?;
        area.present().ok()?;
    }
    let dark = |x: u32, y: u32| buf[((y * w + x) * 3) as usize] < 250;
    let col = |x: u32| (0..h).any(|y| dark(x, y));
    let row = |y: u32| (0..w).any(|x| dark(x, y));
    let (x0, x1) = ((0..w).find(|&x| col(x))?, (0..w).rev().find(|&x| col(x))?);
    let (y0, y1) = ((0..h).find(|&y| row(y))?, (0..h).rev().find(|&y| row(y))?);
    Some(Ink {
        x: x0 as i32 - origin.0,
        w: (x1 - x0 + 1) as i32,
        y: y0 as i32 - origin.1,
        h: (y1 - y0 + 1) as i32,
    })
}
