//! Test support: a tiny HTTP/1.1 server on 127.0.0.1 for the download paths
//! (fixed bodies, 404s, bodies cut off half-way), and folder listings.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// How the server answers one request for a path.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with this body.
    Body(Vec<u8>),
    /// 200 announcing this body's full length, sending only its first half,
    /// then closing the connection.
    CutHalfway(Vec<u8>),
}

/// Replies per path, used in order; the last one repeats. Unknown paths get 404.
pub type Routes = HashMap<String, Vec<Reply>>;

/// A running server; stops when dropped.
#[derive(Debug)]
pub struct TestServer {
    base: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Every path requested, in order.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    pub fn start(routes: Routes) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let stop = Arc::clone(&stop);
            let requests = Arc::clone(&requests);
            let mut routes = routes;
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &mut routes, &requests);
                    }
                }
            })
        };
        TestServer {
            base,
            stop,
            thread: Some(thread),
            requests,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.base
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, routes: &mut Routes, requests: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
        line.clear();
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    requests.lock().expect("requests lock").push(path.clone());
    let reply = routes.get_mut(&path).and_then(|replies| {
        if replies.len() > 1 {
            Some(replies.remove(0))
        } else {
            replies.first().cloned()
        }
    });
    let mut stream = &stream;
    let _ = match reply {
        None => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
        Some(Reply::Body(body)) => respond(stream, &body, body.len()),
        Some(Reply::CutHalfway(body)) => respond(stream, &body, body.len() / 2),
    };
    let _ = stream.flush();
}

fn respond(mut stream: &TcpStream, body: &[u8], send: usize) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body[..send])
}

/// The names in `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("readable folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
