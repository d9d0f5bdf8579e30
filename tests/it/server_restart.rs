//! A client against a server that restarts: it keeps trying (for `--wait SECONDS`, 20
//! without it) and gets its receipt or answer once the server is back; with `--wait 0` a
//! server that is down is exit 3 at once.

use std::time::{Duration, Instant};

use crate::harness::{code, stderr, stdout, Sandbox};
use crate::server::{election, station, submit_cli_with, Server};

/// Stops `server`, runs `client` while it is down, and starts it again on the same port
/// after `down`; the new server and what `client` gave.
fn while_restarting<T>(
    sandbox: &Sandbox,
    server: Server,
    down: Duration,
    client: impl FnOnce() -> T,
) -> (Server, T) {
    let listen = server
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    assert_eq!(server.stop(), 0);
    std::thread::scope(|scope| {
        let back = scope.spawn(|| {
            std::thread::sleep(down);
            Server::start_at(sandbox, &listen, &[])
        });
        let given = client();
        (back.join().unwrap(), given)
    })
}

#[test]
fn a_client_waits_out_a_restarting_server_and_fails_at_once_with_wait_0() {
    let sandbox = election();
    let server = Server::start(&sandbox, &[]);
    let url = server.url.clone();
    let place = station(0);
    // Down with --wait 0: one attempt, exit 3 naming the server, nothing waited for.
    let (server, (refused, took)) =
        while_restarting(&sandbox, server, Duration::from_secs(4), || {
            let started = Instant::now();
            let out = submit_cli_with(&sandbox, &url, "operator0", &place, 5, &["--wait", "0"]);
            (out, started.elapsed())
        });
    assert_eq!(code(&refused), 3, "{}", stderr(&refused));
    assert!(stderr(&refused).contains(&url), "{}", stderr(&refused));
    assert!(took < Duration::from_secs(3), "{took:?}");
    // Down, then back: the submission is retried until the server answers.
    let (server, submitted) =
        while_restarting(&sandbox, server, Duration::from_millis(1500), || {
            submit_cli_with(
                &sandbox,
                &url,
                "operator0",
                &place,
                5,
                &["--inclusion-wait-ms", "0"],
            )
        });
    assert_eq!(code(&submitted), 0, "{}", stderr(&submitted));
    assert!(
        stdout(&submitted).starts_with("appended record "),
        "{}",
        stdout(&submitted)
    );
    // A read command's copy waits for it the same way.
    let (server, history) = while_restarting(&sandbox, server, Duration::from_millis(1500), || {
        sandbox.run(&["history", &place, "--server", &url])
    });
    assert_eq!(code(&history), 0, "{}", stderr(&history));
    assert!(
        stdout(&history).contains("submitted"),
        "{}",
        stdout(&history)
    );
    assert_eq!(server.stop(), 0);
}
