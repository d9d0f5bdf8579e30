//! A minimal W3C WebDriver client for the portal's browser tests: a session in Debian's
//! headless Chromium through chromedriver, navigation, scripts and screenshots, as plain
//! JSON over HTTP on 127.0.0.1. Written here because the WebDriver crates fail the
//! project's dependency policy (fantoccini's `webdriver` is MPL-2.0; thirtyfour brings a
//! second HTTP stack), and these five calls are all the tests need.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64ct::Encoding;
use serde_json::{json, Value};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A chromedriver process and one browser session in it.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let agent = agent();
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, body) => agent
            .post(url)
            .header("content-type", "application/json")
            .send(body.unwrap_or_else(|| json!({})).to_string()),
    };
    let mut response = response.unwrap_or_else(|error| panic!("{method} {url}: {error}"));
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    value["value"].clone()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with the flags this machine
    /// needs (no sandbox as root, no background networking on a closed network).
    pub fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent().get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("a browser profile directory");
        let arguments = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1000,1400",
        ]
        .iter()
        .map(|flag| flag.to_string())
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .collect::<Vec<_>>();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": arguments}
        }}});
        let created = call("POST", &format!("{base}/session"), Some(capabilities));
        let session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        Browser {
            driver,
            base,
            session,
            _profile: profile,
        }
    }

    fn session_url(&self, path: &str) -> String {
        format!("{}/session/{}/{path}", self.base, self.session)
    }

    pub fn open(&self, url: &str) {
        call(
            "POST",
            &self.session_url("url"),
            Some(json!({ "url": url })),
        );
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub fn run(&self, script: &str) -> Value {
        let body = json!({ "script": script, "args": [] });
        call("POST", &self.session_url("execute/sync"), Some(body))
    }

    /// Waits until `script` returns something other than null, and returns it.
    pub fn wait_for(&self, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let value = self.run(script);
            if !value.is_null() {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {script}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Saves a PNG of the page to `path`.
    pub fn screenshot(&self, path: &Path) {
        let encoded = call("GET", &self.session_url("screenshot"), None);
        let text = encoded.as_str().expect("a base64 screenshot");
        let bytes = base64ct::Base64::decode_vec(text).expect("base64");
        std::fs::write(path, bytes).expect("screenshot written");
    }

    /// Saves a PNG of the first element matching the CSS `selector` (all of it, scrolled
    /// into view) to `path`.
    pub fn screenshot_of(&self, selector: &str, path: &Path) {
        let body = json!({ "using": "css selector", "value": selector });
        let found = call("POST", &self.session_url("element"), Some(body));
        let id = found
            .as_object()
            .and_then(|element| element.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {selector}: {found}"))
            .to_owned();
        let encoded = call(
            "GET",
            &self.session_url(&format!("element/{id}/screenshot")),
            None,
        );
        let text = encoded.as_str().expect("a base64 screenshot");
        let bytes = base64ct::Base64::decode_vec(text).expect("base64");
        std::fs::write(path, bytes).expect("screenshot written");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = agent()
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
