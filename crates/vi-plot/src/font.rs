//! The embedded DejaVu Sans font, parsed once, so that no system font is needed.

use std::sync::OnceLock;

use ab_glyph::FontRef;

use crate::error::{Error, Result};

/// DejaVu Sans (Bitstream Vera licence, see `assets/LICENSE-DejaVu`); it covers Greek,
/// subscripts, `±`, `|`, `−`, `‖` and the other symbols the tutorials' labels use.
static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The embedded font, parsed on first use; later calls return the same font (or error).
pub(crate) fn font() -> Result<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(DEJAVU_SANS).ok())
        .as_ref()
        .ok_or(Error::Font)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ab_glyph::Font;

    #[test]
    fn parses_once_and_has_the_tutorials_glyphs() {
        let first: *const FontRef<'static> = font().unwrap();
        let second: *const FontRef<'static> = font().unwrap();
        assert_eq!(first, second);
        // Glyph 0 is `.notdef`, the box drawn for characters a font lacks.
        for symbol in "p(Z|X_obs) θ* σ ± − ‖μ‖₁ z₂".chars() {
            assert_ne!(font().unwrap().glyph_id(symbol).0, 0, "{symbol:?}");
        }
    }
}
