//! Colours: an RGB type and matplotlib's default `tab10` cycle.

use plotters::style::RGBColor;

/// An opaque 8-bit RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red channel.
    pub r: u8,
    /// Green channel.
    pub g: u8,
    /// Blue channel.
    pub b: u8,
}

impl Color {
    /// A colour from its red, green and blue channels.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }

    /// Colour `index` of matplotlib's `tab10` cycle (`C0`, `C1`, …), wrapping after ten.
    pub const fn tab10(index: usize) -> Self {
        TAB10[index % TAB10.len()]
    }

    /// Pure black.
    pub const BLACK: Self = Self::rgb(0, 0, 0);
    /// Pure white.
    pub const WHITE: Self = Self::rgb(255, 255, 255);
    /// matplotlib `tab:blue` (`C0`).
    pub const BLUE: Self = TAB10[0];
    /// matplotlib `tab:orange` (`C1`).
    pub const ORANGE: Self = TAB10[1];
    /// matplotlib `tab:green` (`C2`).
    pub const GREEN: Self = TAB10[2];
    /// matplotlib `tab:red` (`C3`).
    pub const RED: Self = TAB10[3];
    /// matplotlib `tab:purple` (`C4`).
    pub const PURPLE: Self = TAB10[4];
    /// matplotlib `tab:gray` (`C7`).
    pub const GRAY: Self = TAB10[7];

    pub(crate) fn to_plotters(self) -> RGBColor {
        RGBColor(self.r, self.g, self.b)
    }
}

/// matplotlib's `tab10` palette, the default colour cycle since matplotlib 2.0.
pub const TAB10: [Color; 10] = [
    Color::rgb(0x1f, 0x77, 0xb4),
    Color::rgb(0xff, 0x7f, 0x0e),
    Color::rgb(0x2c, 0xa0, 0x2c),
    Color::rgb(0xd6, 0x27, 0x28),
    Color::rgb(0x94, 0x67, 0xbd),
    Color::rgb(0x8c, 0x56, 0x4b),
    Color::rgb(0xe3, 0x77, 0xc2),
    Color::rgb(0x7f, 0x7f, 0x7f),
    Color::rgb(0xbc, 0xbd, 0x22),
    Color::rgb(0x17, 0xbe, 0xcf),
];

/// Hands out `tab10` colours in order, for series that do not fix their own.
#[derive(Debug, Default)]
pub(crate) struct ColorCycle {
    next: usize,
}

impl ColorCycle {
    /// The next colour of the cycle.
    pub(crate) fn next_color(&mut self) -> Color {
        let color = Color::tab10(self.next);
        self.next += 1;
        color
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab10_wraps_and_matches_matplotlib_hex() {
        // matplotlib: plt.rcParams['axes.prop_cycle'].by_key()['color'][0] == '#1f77b4'
        assert_eq!(Color::tab10(0), Color::rgb(0x1f, 0x77, 0xb4));
        assert_eq!(Color::tab10(13), Color::tab10(3));
        assert_eq!(Color::RED, Color::rgb(0xd6, 0x27, 0x28));
    }
}
