//! Install tests with a fake libtorch archive served on 127.0.0.1 and a
//! Python that does not exist (so the pip source fails at once).

use std::fs;
use std::io::Write;
use std::path::Path;

use zip::write::SimpleFileOptions;

use super::layout::MARKER;
use super::release::{OLDER, PINNED};
use super::{Installer, Outcome, Variant};
use crate::testing::{Reply, Routes, TestServer, listing};

const ARCHIVE_PATH: &str = "/libtorch/libtorch-shared-with-deps-2.13.0%2Bcpu.zip";

/// A zip laid out like the official archive, declaring `version`.
fn fake_archive(version: &str) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let files = [
        ("libtorch/build-version", format!("{version}\n")),
        ("libtorch/lib/libtorch_cpu.so", "cpu".to_owned()),
        ("libtorch/lib/libc10.so", "c10".to_owned()),
        ("libtorch/lib/libtorch.so", "torch".to_owned()),
        (
            "libtorch/include/torch/csrc/api/include/torch/torch.h",
            "//".to_owned(),
        ),
    ];
    for (name, content) in files {
        writer.start_file(name, options).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn installer(cache: &Path, server: &TestServer) -> Installer {
    Installer {
        cache_dir: cache.to_owned(),
        release: &PINNED,
        variant: Variant::Cpu,
        user_libtorch: None,
        python: "/nonexistent/python3".to_owned(),
        zip_url: format!("{}{ARCHIVE_PATH}", server.base()),
    }
}

fn serve(replies: Vec<Reply>) -> TestServer {
    TestServer::start(Routes::from([(ARCHIVE_PATH.to_owned(), replies)]))
}

#[test]
fn installs_from_archive_then_does_nothing() {
    let server = serve(vec![Reply::Body(fake_archive("2.13.0"))]);
    let cache = tempfile::tempdir().unwrap();
    let installer = installer(cache.path(), &server);

    let outcome = installer.ensure().unwrap();
    let root = cache.path().join("cpu-2.13.0");
    match &outcome {
        Outcome::Installed(path, source) => {
            assert_eq!(path.canonicalize().unwrap(), root.canonicalize().unwrap());
            assert!(source.ends_with(ARCHIVE_PATH), "{source}");
        }
        other => panic!("expected an install, got {other:?}"),
    }
    assert!(root.join(MARKER).is_file());
    assert_eq!(listing(cache.path()), ["active", "cpu-2.13.0"]);
    assert_eq!(
        fs::read_link(cache.path().join("active")).unwrap(),
        Path::new("cpu-2.13.0")
    );

    let requests = server.requests.lock().unwrap().len();
    assert!(matches!(
        installer.ensure().unwrap(),
        Outcome::AlreadyInstalled(_)
    ));
    assert_eq!(server.requests.lock().unwrap().len(), requests);
}

#[test]
fn every_source_failing_is_one_error_listing_each() {
    let server = serve(Vec::new());
    let cache = tempfile::tempdir().unwrap();
    let error = format!(
        "{:#}",
        installer(cache.path(), &server).ensure().unwrap_err()
    );
    assert!(error.contains("PyPI via pip"), "{error}");
    assert!(error.contains("/nonexistent/python3"), "{error}");
    assert!(error.contains("official zip"), "{error}");
    assert!(error.contains("not found"), "{error}");
    assert!(error.contains("export LIBTORCH="), "{error}");
    assert!(
        listing(cache.path()).is_empty(),
        "{:?}",
        listing(cache.path())
    );
}

#[test]
fn wrong_version_is_rejected_and_nothing_is_left() {
    let server = serve(vec![Reply::Body(fake_archive("2.12.1"))]);
    let cache = tempfile::tempdir().unwrap();
    let error = format!(
        "{:#}",
        installer(cache.path(), &server).ensure().unwrap_err()
    );
    assert!(error.contains("2.12.1"), "{error}");
    assert!(
        listing(cache.path()).is_empty(),
        "{:?}",
        listing(cache.path())
    );
}

#[test]
fn cut_download_fails_cleanly_and_rerun_succeeds() {
    let archive = fake_archive("2.13.0");
    let server = serve(vec![
        Reply::CutHalfway(archive.clone()),
        Reply::Body(archive),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let installer = installer(cache.path(), &server);
    assert!(installer.ensure().is_err());
    assert!(
        listing(cache.path()).is_empty(),
        "{:?}",
        listing(cache.path())
    );
    assert!(matches!(
        installer.ensure().unwrap(),
        Outcome::Installed(..)
    ));
}

#[test]
fn leftovers_of_an_interrupted_run_are_never_taken_for_an_install() {
    let server = serve(vec![Reply::Body(fake_archive("2.13.0"))]);
    let cache = tempfile::tempdir().unwrap();
    // What a run killed half-way can leave: its temporary folder, and (from
    // older layouts or a hand copy) a final-named folder without the marker.
    fs::create_dir_all(cache.path().join(".cpu-2.13.0.tmp-4242/lib")).unwrap();
    fs::create_dir_all(cache.path().join("cpu-2.13.0/lib")).unwrap();
    let outcome = installer(cache.path(), &server).ensure().unwrap();
    assert!(matches!(outcome, Outcome::Installed(..)), "{outcome:?}");
    assert_eq!(listing(cache.path()), ["active", "cpu-2.13.0"]);
}

#[test]
fn a_damaged_install_is_replaced() {
    let server = serve(vec![Reply::Body(fake_archive("2.13.0"))]);
    let cache = tempfile::tempdir().unwrap();
    let installer = installer(cache.path(), &server);
    installer.ensure().unwrap();
    fs::write(
        cache.path().join("cpu-2.13.0/lib/libtorch_cpu.so"),
        "truncated!",
    )
    .unwrap();
    assert!(matches!(
        installer.ensure().unwrap(),
        Outcome::Installed(..)
    ));
}

#[test]
fn user_libtorch_is_checked_and_used_as_is() {
    let server = serve(Vec::new());
    let cache = tempfile::tempdir().unwrap();
    let user = tempfile::tempdir().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(fake_archive("2.13.0"))).unwrap();
    archive.extract(user.path()).unwrap();
    let mut installer = installer(cache.path(), &server);
    installer.user_libtorch = Some(user.path().join("libtorch"));
    assert_eq!(
        installer.ensure().unwrap(),
        Outcome::UserProvided(user.path().join("libtorch"))
    );
    assert!(server.requests.lock().unwrap().is_empty());

    fs::write(user.path().join("libtorch/build-version"), "2.5.1+cpu\n").unwrap();
    let error = format!("{:#}", installer.ensure().unwrap_err());
    assert!(error.contains("LIBTORCH="), "{error}");
    assert!(error.contains("2.5.1"), "{error}");
}

#[test]
fn the_active_variant_is_kept_unless_asked() {
    let cache = tempfile::tempdir().unwrap();
    let link = cache.path().join("active");
    assert_eq!(Variant::active(&link), None);
    vi_fs::replace_symlink(
        Path::new("cuda-2.13.0/venv/lib/python3.11/site-packages/torch"),
        &link,
    )
    .unwrap();
    assert_eq!(Variant::active(&link), Some(Variant::Cuda));
    vi_fs::replace_symlink(Path::new("cpu-2.13.0"), &link).unwrap();
    assert_eq!(Variant::active(&link), Some(Variant::Cpu));
}

#[test]
fn an_older_release_installs_beside_the_pinned_one_and_never_becomes_active() {
    let older = &OLDER[0];
    let path = format!(
        "/libtorch/libtorch-shared-with-deps-{}%2Bcpu.zip",
        older.torch
    );
    let server = TestServer::start(Routes::from([
        (
            ARCHIVE_PATH.to_owned(),
            vec![Reply::Body(fake_archive("2.13.0"))],
        ),
        (path.clone(), vec![Reply::Body(fake_archive(older.torch))]),
    ]));
    let cache = tempfile::tempdir().unwrap();
    installer(cache.path(), &server).ensure().unwrap();
    let mut compat = Installer {
        release: older,
        zip_url: format!("{}{path}", server.base()),
        ..installer(cache.path(), &server)
    };
    let dir = format!("cpu-{}", older.torch);
    assert!(matches!(compat.ensure().unwrap(), Outcome::Installed(..)));
    assert!(matches!(
        compat.ensure().unwrap(),
        Outcome::AlreadyInstalled(..)
    ));
    let mut expected = vec!["active", "cpu-2.13.0", dir.as_str()];
    expected.sort_unstable();
    assert_eq!(listing(cache.path()), expected);
    assert_eq!(
        fs::read_link(cache.path().join("active")).unwrap(),
        Path::new("cpu-2.13.0")
    );

    // The pinned release's archive is refused for the older one, and a
    // folder the user names is checked against the older version.
    compat.zip_url = format!("{}{ARCHIVE_PATH}", server.base());
    compat.user_libtorch = Some(cache.path().join("cpu-2.13.0"));
    let error = format!("{:#}", compat.ensure().unwrap_err());
    assert!(error.contains("--libtorch"), "{error}");
    assert!(error.contains(older.tch), "{error}");
    fs::remove_dir_all(cache.path().join(&dir)).unwrap();
    compat.user_libtorch = None;
    let error = format!("{:#}", compat.ensure().unwrap_err());
    assert!(error.contains("2.13.0"), "{error}");
    assert!(error.contains("--libtorch"), "{error}");
    assert_eq!(listing(cache.path()), ["active", "cpu-2.13.0"]);
}
