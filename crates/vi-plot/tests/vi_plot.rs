//! Integration tests: every figure kind rendered, saved, decoded and inspected pixel by pixel.

use std::path::Path;

use image::{Rgb, RgbImage};
use vi_plot::{
    Band, Chart, Color, Error, Figure, ImageGrid, Legend, Line, RefLine, Scatter, TAB10,
};

const WHITE: [u8; 3] = [255, 255, 255];
const BLACK: [u8; 3] = [0, 0, 0];

fn rgb(color: Color) -> [u8; 3] {
    [color.r, color.g, color.b]
}

/// Saves through `save` into a fresh directory and decodes the file again.
fn save_and_load(save: impl FnOnce(&Path) -> vi_plot::Result<()>) -> RgbImage {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("figure.png");
    save(&path).expect("figure saved");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("directory listing")
        .map(|entry| entry.expect("directory entry").file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("figure.png")]);
    image::open(&path).expect("PNG decodes").to_rgb8()
}

fn count(image: &RgbImage, area: (u32, u32, u32, u32), wanted: impl Fn(&Rgb<u8>) -> bool) -> usize {
    let (x0, y0, x1, y1) = area;
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| wanted(image.get_pixel(x, y)))
        .count()
}

/// `color` at opacity `alpha` over white.
fn tint(color: Color, alpha: f64) -> [u8; 3] {
    rgb(color).map(|channel| (255.0 - alpha * (255.0 - f64::from(channel))).round() as u8)
}

fn is_dark(pixel: &Rgb<u8>) -> bool {
    pixel.0.iter().all(|&channel| channel < 100)
}

fn close(pixel: &Rgb<u8>, expected: [u8; 3], tolerance: u8) -> bool {
    pixel
        .0
        .iter()
        .zip(expected)
        .all(|(&a, b)| a.abs_diff(b) <= tolerance)
}

/// The axes frame as `(left, top, right, bottom)`, the outermost pure-black lines through
/// the image's middle column and row (the frame is drawn 1 pixel wide in black).
fn frame(image: &RgbImage) -> (u32, u32, u32, u32) {
    let (width, height) = image.dimensions();
    let column: Vec<u32> = (0..height)
        .filter(|&y| image.get_pixel(width / 2, y).0 == BLACK)
        .collect();
    let row: Vec<u32> = (0..width)
        .filter(|&x| image.get_pixel(x, height / 2).0 == BLACK)
        .collect();
    (
        row[0],
        column[0],
        *row.last().expect("frame crosses the middle row"),
        *column.last().expect("frame crosses the middle column"),
    )
}

mod charts {
    use super::*;

    fn unit_chart() -> Chart {
        Chart::new().x_range(0.0, 1.0).y_range(0.0, 1.0)
    }

    #[test]
    fn regression_figure_has_size_and_content() {
        let x: Vec<f64> = (0..50).map(|i| -3.0 + 6.0 * f64::from(i) / 49.0).collect();
        let y: Vec<f64> = x.iter().map(|x| 2.0 * x + 1.0).collect();
        let lower: Vec<f64> = y.iter().map(|y| y - 2.0).collect();
        let upper: Vec<f64> = y.iter().map(|y| y + 2.0).collect();
        // Data 3 above or below the line: outside the ±2 band, so drawn untinted.
        let data: Vec<f64> = y
            .iter()
            .zip([3.0, -3.0].iter().cycle())
            .map(|(y, d)| y + d)
            .collect();
        let chart = Chart::new()
            .size(500, 400)
            .series(Scatter::new(x.clone(), data))
            .series(Band::new(x.clone(), lower, upper).label("±2σ"))
            .series(
                Line::new(x.clone(), y.clone())
                    .color(Color::GREEN)
                    .label("MLE"),
            )
            .series(Line::new(x, y).color(Color::RED).label("VI"));
        let image = save_and_load(|path| chart.save_png(path));
        assert_eq!(image.dimensions(), (500, 400));
        let everything = (0, 0, 500, 400);
        assert!(count(&image, everything, |p| p.0 != WHITE) > 5_000);
        assert!(count(&image, everything, |p| p.0 == rgb(Color::RED)) > 200);
        // The scatter takes C0 and the band the next colour of the cycle, C1.
        assert!(count(&image, everything, |p| p.0 == rgb(TAB10[0])) > 50);
        let band_tint = tint(Color::ORANGE, 0.2);
        assert!(count(&image, everything, |p| close(p, band_tint, 3)) > 1_000);
    }

    #[test]
    fn horizontal_line_sits_at_its_value() {
        let chart = unit_chart()
            .legend(Legend::Hidden)
            .series(Line::new([0.0, 1.0], [0.5, 0.5]).color(Color::RED));
        let image = chart.render().unwrap();
        let (left, top, right, bottom) = frame(&image);
        let red_rows: Vec<u32> = (0..image.height())
            .filter(|&y| image.get_pixel((left + right) / 2, y).0 == rgb(Color::RED))
            .collect();
        let middle = (top + bottom).div_ceil(2);
        assert!(!red_rows.is_empty());
        assert!(
            red_rows.iter().all(|&y| y.abs_diff(middle) <= 2),
            "{red_rows:?} vs {middle}"
        );
    }

    #[test]
    fn vertical_reference_line_is_dashed_at_its_value() {
        let chart = unit_chart().series(RefLine::vertical(0.25).color(Color::PURPLE).label("θ*"));
        let image = chart.render().unwrap();
        let (left, top, right, bottom) = frame(&image);
        let expected_x = left + (right + 1 - left) / 4;
        let purple = |x: u32| {
            (top + 2..bottom - 1)
                .filter(|&y| image.get_pixel(x, y).0 == rgb(Color::PURPLE))
                .count()
        };
        let on_line = (expected_x - 1..=expected_x + 1).map(purple).max().unwrap();
        let length = (bottom - top) as usize;
        // Dashed: clearly present, clearly interrupted.
        assert!(
            on_line > length / 3 && on_line < length,
            "{on_line} of {length}"
        );
    }

    #[test]
    fn class_scatter_uses_tab10_per_class() {
        let x: Vec<f64> = (0..10).map(|i| 0.05 + 0.09 * f64::from(i)).collect();
        let chart = unit_chart()
            .legend(Legend::LowerRight)
            .series(Scatter::new(x, vec![0.8; 10]).classes(0..10).radius(5.0));
        let image = chart.render().unwrap();
        for (class, color) in TAB10.iter().enumerate() {
            let found = count(&image, (0, 0, image.width(), image.height()), |p| {
                p.0 == rgb(*color)
            });
            // Ten markers plus a legend marker each: every class colour is there.
            assert!(found > 40, "class {class}: {found} pixels");
        }
    }

    #[test]
    fn nan_breaks_a_line_without_error() {
        let x: Vec<f64> = (0..=10).map(|i| f64::from(i) / 10.0).collect();
        let mut y = vec![0.5; 11];
        y[5] = f64::NAN;
        let chart = unit_chart().series(Line::new(x, y).color(Color::RED));
        let image = chart.render().unwrap();
        let (left, top, right, bottom) = frame(&image);
        let column_has_red = |fraction: f64| {
            let x = left + (f64::from(right - left) * fraction) as u32;
            (top..bottom).any(|y| image.get_pixel(x, y).0 == rgb(Color::RED))
        };
        assert!(column_has_red(0.2) && column_has_red(0.8));
        assert!(!column_has_red(0.5));
    }

    #[test]
    fn title_and_axis_labels_are_drawn() {
        let bare = unit_chart().render().unwrap();
        let labelled = unit_chart()
            .title("Posterior p(Z|X_obs)")
            .x_label("θ")
            .y_label("σ ± 2")
            .render()
            .unwrap();
        let (left, top, right, bottom) = frame(&labelled);
        let (width, height) = labelled.dimensions();
        let title_strip = (
            left + (right - left) / 4,
            0,
            right - (right - left) / 4,
            top - 2,
        );
        assert!(count(&labelled, title_strip, is_dark) > 40);
        let below_ticks = (left, bottom + 28, right, height);
        assert!(count(&labelled, below_ticks, is_dark) > 10);
        let left_strip = (0, top, 25, bottom);
        assert!(count(&labelled, left_strip, is_dark) > 20);
        // Without labels the y-label column and the strip above the axes stay white.
        let (bare_left, bare_top, bare_right, _) = frame(&bare);
        assert_eq!(count(&bare, (0, 0, 10, height), is_dark), 0);
        let bare_title_strip = (
            bare_left + 40,
            0,
            bare_right - 40,
            bare_top.saturating_sub(2),
        );
        assert_eq!(count(&bare, bare_title_strip, is_dark), 0);
        assert!(bare_top < top);
        assert_eq!(width, bare.width());
    }

    #[test]
    fn tick_labels_are_drawn_below_and_left_of_the_frame() {
        let image = unit_chart().render().unwrap();
        let (left, top, right, bottom) = frame(&image);
        assert!(count(&image, (left, bottom + 5, right, bottom + 30), is_dark) > 30);
        assert!(count(&image, (left - 40, top, left - 5, bottom), is_dark) > 30);
    }
}

mod chart_errors {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::line_lengths(Chart::new().series(Line::new([0.0, 1.0, 2.0], [1.0, 2.0]).label("VI")))]
    #[case::class_lengths(Chart::new().series(Scatter::new([0.0, 1.0], [0.0, 1.0]).classes([1])))]
    fn mismatched_lengths_name_the_series(#[case] chart: Chart) {
        let error = chart.render().unwrap_err();
        assert!(
            matches!(error, Error::LengthMismatch { expected: _, .. }),
            "{error}"
        );
        assert!(error.to_string().contains(" 0"), "{error}");
    }

    #[test]
    fn band_mismatch_reports_column_and_lengths() {
        let chart = Chart::new()
            .series(Line::from_y([1.0, 2.0]))
            .series(Band::new([0.0, 1.0], [0.0, 1.0], [1.0, 2.0, 3.0]));
        match chart.render() {
            Err(Error::LengthMismatch {
                series,
                column,
                expected,
                found,
            }) => {
                assert_eq!(
                    (series.as_str(), column, expected, found),
                    ("band 1", "upper", 2, 3)
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[rstest]
    #[case::empty(1.0, 1.0)]
    #[case::reversed(2.0, 1.0)]
    #[case::nan(f64::NAN, 1.0)]
    #[case::infinite(0.0, f64::INFINITY)]
    fn bad_ranges_are_rejected(#[case] low: f64, #[case] high: f64) {
        let chart = Chart::new()
            .x_range(low, high)
            .series(Line::from_y([1.0, 2.0]));
        assert!(matches!(
            chart.render(),
            Err(Error::InvalidRange { axis: "x", .. })
        ));
    }

    #[test]
    fn all_non_finite_data_needs_a_range() {
        // No finite point at all: neither axis can be derived from the data.
        let chart = Chart::new().series(Line::new([0.0, 1.0], [f64::NAN, f64::INFINITY]));
        assert!(matches!(
            chart.render(),
            Err(Error::NoFiniteData { axis: "x" })
        ));
        let only_x = chart.clone().x_range(0.0, 1.0);
        assert!(matches!(
            only_x.render(),
            Err(Error::NoFiniteData { axis: "y" })
        ));
        let with_range = only_x.y_range(0.0, 1.0);
        assert!(with_range.render().is_ok());
    }

    #[rstest]
    #[case::degenerate(0, 480)]
    #[case::too_small_for_axes(60, 50)]
    fn tiny_sizes_are_rejected(#[case] width: u32, #[case] height: u32) {
        let chart = Chart::new()
            .size(width, height)
            .series(Line::from_y([1.0, 2.0]));
        assert!(matches!(chart.render(), Err(Error::InvalidSize { .. })));
    }
}

mod image_grids {
    use super::*;

    /// Three 4×5 images of constant intensity 1, 0.5 and 0.25.
    fn three_images() -> Vec<f32> {
        [1.0f32, 0.5, 0.25]
            .iter()
            .flat_map(|&value| vec![value; 4 * 5])
            .collect()
    }

    #[test]
    fn images_sit_where_make_grid_puts_them() {
        let grid = ImageGrid::new(three_images(), 4, 5).nrow(2).scale(3);
        let image = save_and_load(|path| grid.save_png(path));
        // make_grid: 2 columns, 2 rows, padding 2 → (2·7 + 2) × (2·6 + 2) = 16 × 14.
        assert_eq!(image.dimensions(), (16 * 3, 14 * 3));
        let origin = |row: u32, col: u32| ((2 + 7 * col) * 3, (2 + 6 * row) * 3);
        for (index, expected) in [(0u32, 255u8), (1, 128), (2, 64)] {
            let (x, y) = origin(index / 2, index % 2);
            // Every pixel of the image, and black padding just outside it.
            assert_eq!(
                count(&image, (x, y, x + 15, y + 12), |p| p.0 == [expected; 3]),
                15 * 12
            );
            assert_eq!(image.get_pixel(x - 1, y).0, BLACK, "left of image {index}");
            assert_eq!(image.get_pixel(x, y - 1).0, BLACK, "above image {index}");
            assert_eq!(
                image.get_pixel(x + 15, y + 11).0,
                BLACK,
                "right of image {index}"
            );
        }
        // The unused fourth cell is padding.
        let (x, y) = origin(1, 1);
        assert_eq!(
            count(&image, (x, y, x + 15, y + 12), |p| p.0 == BLACK),
            15 * 12
        );
    }

    #[test]
    fn padding_and_pad_value_follow_the_settings() {
        let grid = ImageGrid::new(vec![0.0f32; 2 * 3 * 3], 3, 3)
            .padding(1)
            .pad_value(1.0)
            .scale(1);
        let image = grid.render().unwrap();
        assert_eq!(image.dimensions(), (2 * 4 + 1, 3 + 2));
        assert_eq!(image.get_pixel(0, 0).0, WHITE);
        assert_eq!(image.get_pixel(4, 2).0, WHITE);
        assert_eq!(image.get_pixel(1, 1).0, BLACK);
        assert_eq!(image.get_pixel(5, 1).0, BLACK);
    }

    #[test]
    fn row_labels_are_drawn_left_of_their_rows() {
        let pixels = vec![1.0f32; 2 * 28 * 28];
        let grid = ImageGrid::new(pixels, 28, 28)
            .nrow(1)
            .row_labels(["Data", "Reconstruction"]);
        let image = grid.render().unwrap();
        let grid_left = (0..image.width())
            .find(|&x| image.get_pixel(x, image.height() / 2).0 == BLACK)
            .unwrap();
        assert!(grid_left > 80, "label column is {grid_left} wide");
        // Text in the label column level with each row's middle (rows of 30 at scale 2).
        let grid_top = (0..image.height())
            .find(|&y| image.get_pixel(grid_left, y).0 == BLACK)
            .unwrap();
        for row in 0..2 {
            let middle = grid_top + 2 * (2 + 30 * row + 14);
            let band = (0, middle - 6, grid_left - 2, middle + 6);
            assert!(count(&image, band, is_dark) > 20, "row {row}");
        }
    }

    #[test]
    fn values_are_clamped_to_unit_range() {
        let image = ImageGrid::new(vec![-1.0f32, 2.0], 1, 1)
            .nrow(2)
            .padding(0)
            .scale(1)
            .render()
            .unwrap();
        assert_eq!(image.get_pixel(0, 0).0, BLACK);
        assert_eq!(image.get_pixel(1, 0).0, WHITE);
    }

    #[test]
    fn bad_input_gives_typed_errors() {
        assert!(matches!(
            ImageGrid::new(Vec::<f32>::new(), 28, 28).render(),
            Err(Error::NoImages)
        ));
        assert!(matches!(
            ImageGrid::new(vec![0.0f32; 30], 4, 5).render(),
            Err(Error::ImageShape {
                found: 30,
                height: 4,
                width: 5
            })
        ));
        assert!(matches!(
            ImageGrid::new(vec![0.0f32; 20], 0, 5).render(),
            Err(Error::ImageShape { .. })
        ));
        let mut pixels = vec![0.0f32; 40];
        pixels[23] = f32::NAN;
        assert!(matches!(
            ImageGrid::new(pixels, 4, 5).render(),
            Err(Error::NonFinitePixel {
                image: 1,
                index: 3,
                ..
            })
        ));
        assert!(matches!(
            ImageGrid::new(vec![0.0f32; 40], 4, 5).nrow(0).render(),
            Err(Error::ZeroSetting { setting: "nrow" })
        ));
        assert!(matches!(
            ImageGrid::new(vec![0.0f32; 40], 4, 5)
                .nrow(1)
                .row_labels(["only one"])
                .render(),
            Err(Error::RowLabelCount {
                expected: 2,
                found: 1
            })
        ));
    }
}

mod figures {
    use super::*;

    fn digit() -> ImageGrid {
        ImageGrid::new(vec![1.0f32; 28 * 28], 28, 28).padding(0)
    }

    fn curve(color: Color) -> Chart {
        Chart::new()
            .x_label("epoch")
            .series(Line::from_y([3.0, 2.0, 1.5, 1.2]).color(color))
    }

    #[test]
    fn panels_fill_their_cells() {
        let figure = Figure::new(2, 2)
            .title("CVAE")
            .panel(digit().title("Input"))
            .panel(digit().title("Reconstruction"))
            .panel(curve(Color::BLUE))
            .panel(curve(Color::ORANGE));
        let image = save_and_load(|path| figure.save_png(path));
        let (width, height) = image.dimensions();
        assert_eq!(width, 960);
        assert!(height > 720 && height < 780, "{height}");
        let band = height - 720;
        let quadrant = |row: u32, col: u32| {
            (
                col * 480,
                band + row * 360,
                (col + 1) * 480,
                band + (row + 1) * 360,
            )
        };
        // The white digits, filling most of each upper cell.
        for col in 0..2 {
            assert!(count(&image, quadrant(0, col), |p| p.0 == WHITE) > 300 * 250);
            assert!(count(&image, quadrant(0, col), is_dark) > 10);
        }
        assert!(count(&image, quadrant(1, 0), |p| p.0 == rgb(Color::BLUE)) > 100);
        assert_eq!(
            count(&image, quadrant(1, 0), |p| p.0 == rgb(Color::ORANGE)),
            0
        );
        assert!(count(&image, quadrant(1, 1), |p| p.0 == rgb(Color::ORANGE)) > 100);
        assert!(
            count(&image, (300, 0, 660, band), is_dark) > 20,
            "figure title"
        );
    }

    #[test]
    fn panel_counts_are_checked() {
        assert!(matches!(
            Figure::new(2, 2).render(),
            Err(Error::PanelCount {
                rows: 2,
                cols: 2,
                found: 0
            })
        ));
        let crowded = (0..5).fold(Figure::new(2, 2), |figure, _| figure.panel(digit()));
        assert!(matches!(
            crowded.render(),
            Err(Error::PanelCount { found: 5, .. })
        ));
    }

    #[test]
    fn panel_errors_say_which_panel() {
        let figure = Figure::new(1, 2)
            .panel(digit())
            .panel(Chart::new().series(Line::new([0.0], [1.0, 2.0])));
        match figure.render() {
            Err(Error::Panel { index: 1, source }) => {
                assert!(matches!(*source, Error::LengthMismatch { .. }));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

mod saving {
    use super::*;

    fn small_chart() -> Chart {
        Chart::new().size(200, 150).series(Line::from_y([1.0, 2.0]))
    }

    #[test]
    fn overwrites_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fig.png");
        std::fs::write(&path, b"old").unwrap();
        small_chart().save_png(&path).unwrap();
        assert_eq!(
            image::open(&path).unwrap().to_rgb8().dimensions(),
            (200, 150)
        );
    }

    #[test]
    fn failed_write_leaves_nothing_under_the_final_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("fig.png");
        match small_chart().save_png(&path) {
            Err(Error::Write(error)) => assert_eq!(error.path(), path),
            other => panic!("unexpected {other:?}"),
        }
        assert!(!path.exists());
        assert!(!dir.path().join("missing").exists());
    }

    #[test]
    fn failed_render_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fig.png");
        let error = ImageGrid::new(Vec::<f32>::new(), 2, 2)
            .save_png(&path)
            .unwrap_err();
        assert!(matches!(error, Error::NoImages));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn io_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nowhere").join("fig.png");
        let message = small_chart().save_png(&path).unwrap_err().to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
}
