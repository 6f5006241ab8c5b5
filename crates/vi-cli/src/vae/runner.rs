//! The one VAE experiment: every VAE subcommand runs through [`run`], with
//! what its [`VaeCommand`] declares. Select the device, claim and stage the
//! output folder, claim the checkpoint, load the data, check the sizes
//! against the machine, start or resume the trainer, train with a
//! checkpoint after every epoch, estimate the log-likelihood, write
//! `history.csv`, `elbo.png`, the figures and `summary.json`, swap the
//! folder in, report.

use std::time::Instant;

use anyhow::Result;
use vi_data::{Binarization, Collection};
use vi_fs::outln;
use vi_models::{Architecture, Vae};

use super::args::VaePlan;
use super::checkpoint_claim::CheckpointClaim;
use super::command::{EpochRecords, ModelConfig, VaeCommand};
use super::data::Splits;
use super::device::Compute;
use super::figures::{VaeFigures, elbo_chart};
use super::summary::{RunSummary, Summary, write_history};
use super::training::{LogLikelihood, Run};
use crate::bounds::{Machine, vae::check_run};
use crate::failure::name_allocation_failure;
use crate::output::{SUMMARY_FILE, Staging};

/// Trains `C`'s model as `plan` says (or continues a checkpoint's run) and
/// writes its results into `plan.out`.
///
/// # Errors
/// Anything that stops the run: the device, the data, the checkpoint, a
/// diverging loss, the files; the previous results folder is then left as
/// it was.
pub fn run<C: VaeCommand>(plan: &VaePlan<ModelConfig<C>>) -> Result<()> {
    let started = Instant::now();
    let preset = C::preset();
    let training = &plan.training;
    let compute = Compute::select(training.device, training.threads)?;
    let mut staging = Staging::new(&plan.out, C::NAME)?;
    let companions = C::Records::companion_files(&training.checkpoint);
    let _checkpoint = CheckpointClaim::new(&plan.out, training, &companions)?;
    let splits = Splits::load(training, training.collection)?;
    let sizes = |model: &ModelConfig<C>, config: &vi_models::TrainConfig| {
        check_run(
            C::footprint(model),
            config,
            training,
            &splits,
            &Machine::get(),
        )
    };
    let mut run = Run::<C::Model>::start(
        training,
        plan.model.as_ref(),
        &preset.model,
        compute.device,
        &splits.selection,
        sizes,
    )?;
    let mut records = C::Records::start(training, &splits, &run)?;
    run.fit(&splits, &training.checkpoint, |trainer| {
        records.after_epoch(trainer)
    })?;
    let subset = splits.log_likelihood_subset(training.log_likelihood_images)?;
    let log_likelihood = LogLikelihood::estimate(
        &run.trainer,
        subset.as_ref().unwrap_or(&splits.test),
        training.sampling,
    )?;

    let trainer = &run.trainer;
    let history = trainer.history();
    let objective = trainer.config().objective;
    write_history(
        &mut staging,
        history,
        &objective,
        records.columns(),
        |epoch| records.row(epoch),
    )?;
    let title = elbo_title(
        C::ELBO_TITLE,
        training.collection,
        trainer.config().binarization,
    );
    let elbo = elbo_chart(history, &title, &objective);
    staging.save_chart("elbo.png", &elbo)?;
    let mut notes = Vec::new();
    let drawing =
        |error| name_allocation_failure(error, "while drawing the figures", "--batch-size");
    VaeFigures::new(trainer, &splits.test, C::PRIOR_LABEL)
        .with_tsne(plan.training.tsne)
        .save(C::FIGURES, &mut staging, &mut notes)
        .map_err(drawing)?;
    records.draw(trainer, elbo, &mut staging).map_err(drawing)?;

    let summary = Summary {
        command: C::NAME,
        seed: trainer.config().seed,
        architecture: <ModelConfig<C> as Architecture>::NAME,
        model: trainer.model().config().clone(),
        fields: records.fields()?,
        run: RunSummary::new(
            &run,
            training,
            &compute,
            (&splits, training.collection),
            log_likelihood,
            started,
        )?,
        notes: C::SUMMARY_NOTES.then(|| notes.clone()),
    };
    staging.write_json(SUMMARY_FILE, &summary)?;
    let written = staging.commit()?;
    let title = C::title(plan, run.trainer.model().latent_dim());
    summary
        .run
        .report(&format!("{title} (seed {})", summary.seed));
    for line in records.report() {
        outln!("{line}");
    }
    for note in &notes {
        outln!("  note: {note}");
    }
    outln!("{written}");
    Ok(())
}

/// A subcommand's `elbo.png` title (written for binarized MNIST) for the
/// data set and binarization of the run.
fn elbo_title(title: &str, collection: Collection, binarization: Binarization) -> String {
    let mut title = title.replace("MNIST", &collection.to_string());
    if binarization == Binarization::None {
        title = title.replace("binarized ", "");
    }
    title
}
