//! Download tests against a server on 127.0.0.1 and a local directory: a
//! good download, a corrupted file, a connection cut half-way, a 404 on the
//! first mirror, and re-runs.

use std::fs;
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::sets::{DataFile, DataSet, Mirror};
use super::{FileOutcome, fetch_set};
use crate::digest::sha256_bytes;
use crate::fetch::Source;
use crate::testing::{Reply, Routes, TestServer, listing};

/// Two small files standing in for IDX files, with their gzip forms.
struct Fixture {
    raw: Vec<(String, Vec<u8>)>,
}

impl Fixture {
    fn new() -> Fixture {
        let images: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let labels: Vec<u8> = (0..100u8).map(|i| i % 10).collect();
        Fixture {
            raw: vec![
                ("train-images-idx3-ubyte".into(), images),
                ("train-labels-idx1-ubyte".into(), labels),
            ],
        }
    }

    fn gz(&self, index: usize) -> Vec<u8> {
        gzip(&self.raw[index].1)
    }

    /// A set called `toy` served by these mirrors.
    fn set(&self, mirrors: Vec<Mirror>) -> DataSet {
        DataSet {
            name: "toy".into(),
            mirrors,
            files: self
                .raw
                .iter()
                .map(|(name, bytes)| DataFile {
                    name: name.clone(),
                    sha256: sha256_bytes(bytes),
                })
                .collect(),
        }
    }

    /// Routes serving every file correctly under `prefix`.
    fn good_routes(&self, prefix: &str) -> Routes {
        (0..self.raw.len())
            .map(|i| {
                (
                    format!("{prefix}/{}.gz", self.raw[i].0),
                    vec![Reply::Body(self.gz(i))],
                )
            })
            .collect()
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn http_mirror(server: &TestServer, prefix: &str) -> Mirror {
    Mirror {
        source: Source::parse(&format!("{}{prefix}", server.base())),
        prefix: String::new(),
    }
}

#[test]
fn good_download_is_verified_and_rerun_skips_it() {
    let fixture = Fixture::new();
    let server = TestServer::start(fixture.good_routes("/mnist"));
    let set = fixture.set(vec![http_mirror(&server, "/mnist")]);
    let dir = tempfile::tempdir().unwrap();

    let outcomes = fetch_set(&set, dir.path()).unwrap();
    assert!(
        outcomes
            .iter()
            .all(|(_, outcome)| matches!(outcome, FileOutcome::Downloaded(_)))
    );
    for (name, bytes) in &fixture.raw {
        assert_eq!(&fs::read(dir.path().join(name)).unwrap(), bytes);
    }
    assert_eq!(
        listing(dir.path()),
        [
            "SHA256SUMS.raw",
            "train-images-idx3-ubyte",
            "train-labels-idx1-ubyte"
        ]
    );

    let requests_before = server.requests.lock().unwrap().len();
    let outcomes = fetch_set(&set, dir.path()).unwrap();
    assert!(
        outcomes
            .iter()
            .all(|(_, outcome)| *outcome == FileOutcome::AlreadyVerified)
    );
    assert_eq!(server.requests.lock().unwrap().len(), requests_before);
}

#[test]
fn corrupted_file_is_rejected_and_nothing_is_left() {
    let fixture = Fixture::new();
    let mut routes = fixture.good_routes("/m");
    let mut corrupt = fixture.raw[0].1.clone();
    corrupt[100] ^= 0xff;
    routes.insert(
        format!("/m/{}.gz", fixture.raw[0].0),
        vec![Reply::Body(gzip(&corrupt))],
    );
    let server = TestServer::start(routes);
    let set = fixture.set(vec![http_mirror(&server, "/m")]);
    let dir = tempfile::tempdir().unwrap();

    let error = format!("{:#}", fetch_set(&set, dir.path()).unwrap_err());
    assert!(error.contains("train-images-idx3-ubyte"), "{error}");
    assert!(error.contains("SHA-256"), "{error}");
    // The good file stays; the bad one is neither final nor temporary.
    assert_eq!(listing(dir.path()), ["train-labels-idx1-ubyte"]);
}

#[test]
fn connection_cut_halfway_fails_then_rerun_succeeds() {
    let fixture = Fixture::new();
    let mut routes = fixture.good_routes("/m");
    routes.insert(
        format!("/m/{}.gz", fixture.raw[0].0),
        vec![Reply::CutHalfway(fixture.gz(0)), Reply::Body(fixture.gz(0))],
    );
    let server = TestServer::start(routes);
    let set = fixture.set(vec![http_mirror(&server, "/m")]);
    let dir = tempfile::tempdir().unwrap();

    let error = format!("{:#}", fetch_set(&set, dir.path()).unwrap_err());
    assert!(error.contains("train-images-idx3-ubyte"), "{error}");
    assert_eq!(listing(dir.path()), ["train-labels-idx1-ubyte"]);

    let outcomes = fetch_set(&set, dir.path()).unwrap();
    assert!(matches!(outcomes[0].1, FileOutcome::Downloaded(_)));
    assert_eq!(outcomes[1].1, FileOutcome::AlreadyVerified);
    assert_eq!(
        fs::read(dir.path().join(&fixture.raw[0].0)).unwrap(),
        fixture.raw[0].1
    );
}

#[test]
fn not_found_on_first_mirror_falls_through_to_second() {
    let fixture = Fixture::new();
    let server = TestServer::start(fixture.good_routes("/second"));
    let set = fixture.set(vec![
        http_mirror(&server, "/first"),
        http_mirror(&server, "/second"),
    ]);
    let dir = tempfile::tempdir().unwrap();

    let outcomes = fetch_set(&set, dir.path()).unwrap();
    for (_, outcome) in &outcomes {
        match outcome {
            FileOutcome::Downloaded(from) => assert!(from.contains("/second/"), "{from}"),
            FileOutcome::AlreadyVerified => panic!("nothing was there yet"),
        }
    }
    let requests = server.requests.lock().unwrap();
    assert!(requests[0].starts_with("/first/"), "{requests:?}");
}

#[test]
fn every_failure_is_reported_together() {
    let fixture = Fixture::new();
    let server = TestServer::start(Routes::new());
    let unreachable = Mirror {
        // Nothing listens on port 9 of the loopback address.
        source: Source::parse("http://127.0.0.1:9"),
        prefix: String::new(),
    };
    let set = fixture.set(vec![http_mirror(&server, "/a"), unreachable]);
    let dir = tempfile::tempdir().unwrap();

    let error = format!("{:#}", fetch_set(&set, dir.path()).unwrap_err());
    for (name, _) in &fixture.raw {
        assert!(error.contains(name.as_str()), "{error}");
    }
    assert_eq!(error.matches("not found").count(), 2, "{error}");
    assert_eq!(error.matches("127.0.0.1:9").count(), 2, "{error}");
    assert!(error.contains("--mirror"), "{error}");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn local_directory_mirror_and_unverified_file_replaced() {
    let fixture = Fixture::new();
    let mirror_dir = tempfile::tempdir().unwrap();
    fs::create_dir(mirror_dir.path().join("toy")).unwrap();
    for (i, (name, _)) in fixture.raw.iter().enumerate() {
        fs::write(
            mirror_dir.path().join(format!("toy/{name}.gz")),
            fixture.gz(i),
        )
        .unwrap();
    }
    let set = fixture
        .set(Vec::new())
        .with_mirror(&mirror_dir.path().display().to_string());
    let dir = tempfile::tempdir().unwrap();
    // A stale file under the final name that does not verify is replaced.
    fs::write(dir.path().join(&fixture.raw[1].0), b"stale").unwrap();

    fetch_set(&set, dir.path()).unwrap();
    for (name, bytes) in &fixture.raw {
        assert_eq!(&fs::read(dir.path().join(name)).unwrap(), bytes);
    }
}
