//! The VAE subcommands' `--help` defaults, read from their presets
//! (`vi_models::presets`), so that the help and the run cannot disagree.

use clap::ValueEnum;
use vi_models::OptimizerConfig;
use vi_models::presets::{TrainSet, VaePreset};

use super::choices::{ObjectiveChoice, OptimizerChoice};

/// Writes a subcommand's defaults into its `--help`: the `preset`'s
/// training settings (and `model_defaults`, its model flags' values) as
/// `[default: …]` after the flags that have no fixed default, and the
/// preset's log-likelihood sampling as the `--iwae-*` flags' defaults;
/// `iwae_help`, if given, replaces `--iwae-samples`' help.
pub fn document_defaults<C>(
    command: clap::Command,
    preset: &VaePreset<C>,
    model_defaults: Vec<(&'static str, String)>,
    iwae_help: Option<&'static str>,
) -> clap::Command {
    let training = &preset.training;
    let (sgd, adam) = match training.optimizer {
        OptimizerConfig::Sgd { .. } => (training.optimizer, preset.other_optimizer),
        OptimizerConfig::Adam { .. } => (preset.other_optimizer, training.optimizer),
    };
    let learning_rates = format!(
        "{:e} with sgd, {:e} with adam",
        sgd.learning_rate(),
        adam.learning_rate()
    );
    let mut defaults = vec![
        ("seed", training.seed.to_string()),
        ("epochs", training.epochs.to_string()),
        ("batch_size", training.batch_size.to_string()),
        (
            "optimizer",
            OptimizerChoice::of(&training.optimizer).name().to_owned(),
        ),
        ("lr", learning_rates),
        (
            "objective",
            ObjectiveChoice::of(&training.objective)
                .to_possible_value()
                .map(|value| value.get_name().to_owned())
                .unwrap_or_default(),
        ),
        ("dataset", preset.collection.name().to_owned()),
    ];
    defaults.extend(model_defaults);
    if let TrainSet::RepeatedImage { repeats } = preset.train_set {
        defaults.push(("repeats", repeats.to_string()));
    }
    let has =
        |command: &clap::Command, id: &str| command.get_arguments().any(|arg| arg.get_id() == id);
    let command = defaults
        .into_iter()
        .fold(command, |command, (id, default)| {
            if !has(&command, id) {
                return command;
            }
            command.mut_arg(id, |arg| {
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                arg.help(format!("{help} [default: {default}]"))
            })
        });
    let sampling = &preset.log_likelihood;
    let mut fixed = vec![
        ("iwae_samples", sampling.num_samples.to_string()),
        ("iwae_chunk", sampling.chunk_size.to_string()),
    ];
    if let Some(images) = sampling.num_images {
        fixed.push(("iwae_images", images.to_string()));
    }
    let command = fixed.into_iter().fold(command, |command, (id, default)| {
        if !has(&command, id) {
            return command;
        }
        command.mut_arg(id, |arg| arg.default_value(default))
    });
    match iwae_help {
        Some(help) => command.mut_arg("iwae_samples", |arg| arg.help(help)),
        None => command,
    }
}
