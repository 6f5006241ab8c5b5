//! The shape checks and reshapes every VAE needs: images `[B, D]`, latents
//! `[..., L]`, and the draws `[S, B, L]` that vi-core's estimators hand to
//! `conditional_log_likelihood`.

use tch::{TchError, Tensor};

use crate::error::{Error, Result};

/// Requires images `[B, pixels]`.
pub(crate) fn check_images(context: &'static str, images: &Tensor, pixels: i64) -> Result<()> {
    let size = images.size();
    if size.len() == 2 && size[1] == pixels {
        Ok(())
    } else {
        Err(Error::InputShape {
            context,
            name: "images",
            expected: format!("[batch, {pixels}]"),
            found: size,
        })
    }
}

/// Requires draws `z` `[S, B, latent_dim]` for images `[B, pixels]`.
pub(crate) fn check_draws(
    context: &'static str,
    images: &Tensor,
    z: &Tensor,
    latent_dim: i64,
    pixels: i64,
) -> vi_core::Result<()> {
    let (z_size, x_size) = (z.size(), images.size());
    let fits = z_size.len() == 3
        && x_size.len() == 2
        && z_size[1] == x_size[0]
        && z_size[2] == latent_dim
        && x_size[1] == pixels;
    if fits {
        Ok(())
    } else {
        Err(vi_core::Error::ShapeMismatch {
            context,
            left: "images [B, D]",
            left_shape: x_size,
            right: "z [S, B, L]",
            right_shape: z_size,
        })
    }
}

/// Requires latents `[..., latent_dim]`.
pub(crate) fn check_latents(context: &'static str, z: &Tensor, latent_dim: i64) -> Result<()> {
    let size = z.size();
    if size.last() == Some(&latent_dim) {
        Ok(())
    } else {
        Err(Error::InputShape {
            context,
            name: "z",
            expected: format!("[..., {latent_dim}]"),
            found: size,
        })
    }
}

/// Applies `network`, which maps rows `[N, L]` to images `[N, pixels]`, to
/// latents `[..., L]` (checked by the caller), giving `[..., pixels]`.
pub(crate) fn decode_rows<F>(
    z: &Tensor,
    latent_dim: i64,
    pixels: i64,
    network: F,
) -> Result<Tensor, TchError>
where
    F: FnOnce(&Tensor) -> Result<Tensor, TchError>,
{
    let size = z.size();
    let shape: Vec<i64> = size[..size.len().saturating_sub(1)]
        .iter()
        .copied()
        .chain([pixels])
        .collect();
    network(&z.f_reshape([-1, latent_dim])?)?.f_view(shape.as_slice())
}
