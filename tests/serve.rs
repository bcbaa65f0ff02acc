//! `povsim serve`: the real binary on a free localhost port, driven over HTTP with a tiny
//! std-only client. Sessions, stepping, common random numbers in A/B mode, refusals, limits,
//! stories, the embedded page, and a clean stop on SIGINT; then what one client must not be
//! able to do: exhaust memory with a huge declared body or header, hold the server with a
//! body or a head that never arrives, take every connection, or keep it from stopping.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::server::{read_outcome, Outcome, Server};
use povsim::serve::net::MAX_CONNECTIONS;

/// Longer than any of the server's timeouts (10 s): a connection still open after this is
/// held, which is a failure.
const CUT_OFF_WITHIN: Duration = Duration::from_secs(30);

fn small_world() -> Value {
    json!({"population.villages": 6, "population.households_per_village": 60})
}

#[test]
fn a_session_steps_month_by_month_with_households_conserved_and_shares_in_range() {
    let server = Server::start(&[]);
    let id = server.open(&json!({"world": small_world()}));
    let (_, first) = server.call("GET", &format!("/api/session/{id}"), None);
    assert_eq!(first["month"], 0);
    let households: u64 = first["sides"][0]["villages"]
        .as_array()
        .expect("villages")
        .iter()
        .map(|v| v["households"].as_u64().expect("households"))
        .sum();
    let mut months = 0;
    for step in [1, 11, 24, 24] {
        let (status, v) = server.call(
            "POST",
            &format!("/api/session/{id}/step?months={step}"),
            None,
        );
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["rows_from"], months);
        months += step;
        assert_eq!(v["month"], months);
        let rows = v["sides"][0]["rows"].as_array().expect("rows");
        assert_eq!(rows.len() as u64, step);
        for r in rows {
            assert_eq!(r["households"], households, "households conserved");
            for key in ["registered", "truly_poor", "exited"] {
                assert!(r[key].as_u64().expect(key) <= households, "{key}");
            }
            for key in ["mean_enthusiasm", "mean_knowledge"] {
                let x = r[key].as_f64().expect(key);
                assert!((0.0..=1.0).contains(&x), "{key} = {x}");
            }
        }
        let villages = v["sides"][0]["villages"].as_array().expect("villages");
        assert_eq!(villages.len(), 6);
        for village in villages {
            let status = village["status"].as_str().expect("status");
            assert_eq!(
                status.len() as u64,
                village["households"].as_u64().expect("n")
            );
            assert!(status.bytes().all(|b| (b'0'..=b'5').contains(&b)));
        }
    }
    let (_, v) = server.call("GET", &format!("/api/session/{id}"), None);
    assert_eq!(v["label"], "2018-12");
    assert_eq!(v["sides"][0]["rows"].as_array().map(Vec::len), Some(60));
    assert!(v["sides"][0]["villages"][0]["secretary"]["background"].is_string());
    let (_, v) = server.call("POST", &format!("/api/session/{id}/reset"), None);
    assert_eq!(v["month"], 0);
}

#[test]
fn a_b_mode_with_the_same_levers_gives_the_same_rows_and_one_change_moves_them() {
    let server = Server::start(&[]);
    let levers = json!({"cadres.admin_burden": 0.5});
    let same = server.open(&json!({"world": small_world(), "a": levers, "b": levers}));
    let (_, v) = server.call("POST", &format!("/api/session/{same}/step?months=24"), None);
    let (_, v2) = server.call("POST", &format!("/api/session/{same}/step?months=24"), None);
    assert_eq!(v["sides"][0]["rows"], v["sides"][1]["rows"]);
    assert_eq!(v2["sides"][0]["rows"], v2["sides"][1]["rows"]);
    assert_eq!(v2["sides"][0]["villages"], v2["sides"][1]["villages"]);

    // The same world and luck with one lever changed on side B: the sides part.
    let changed = server.open(&json!({
        "world": small_world(),
        "a": {"cadres.admin_burden": 0.5},
        "b": {"cadres.admin_burden": 0.1}
    }));
    let (_, c) = server.call(
        "POST",
        &format!("/api/session/{changed}/step?months=24"),
        None,
    );
    let (_, c2) = server.call(
        "POST",
        &format!("/api/session/{changed}/step?months=24"),
        None,
    );
    // Side A is the world of the first session's side A (same seed, same levers).
    assert_eq!(c2["sides"][0]["rows"], v2["sides"][0]["rows"]);
    assert_ne!(c2["sides"][0]["rows"], c2["sides"][1]["rows"]);
    assert_eq!(c["sides"][1]["levers"]["cadres.admin_burden"], json!(0.1));
}

#[test]
fn a_bad_lever_gets_400_naming_the_parameter_and_its_allowed_range() {
    let server = Server::start(&[]);
    let (status, v) = server.call(
        "POST",
        "/api/session",
        Some(&json!({"a": {"cadres.admin_burden": 1.4}})),
    );
    assert_eq!(status, 400);
    assert_eq!(v["parameter"], "cadres.admin_burden");
    assert_eq!(v["allowed"], "a number in [0, 1]");
    assert!(v["error"].as_str().expect("error").contains("1.4"), "{v}");

    let (status, v) = server.call(
        "POST",
        "/api/session",
        Some(&json!({"a": {}, "b": {"policy.exit_rule": "lenient"}})),
    );
    assert_eq!(status, 400);
    assert_eq!(v["parameter"], "policy.exit_rule");
    assert_eq!(v["allowed"], "one of \"standard\", \"strict\"");
    assert_eq!(v["side"], "b");

    let (status, v) = server.call(
        "POST",
        "/api/session",
        Some(&json!({"world": {"population.villages": 500}})),
    );
    assert_eq!(status, 400);
    assert_eq!(v["parameter"], "population.villages");
    assert_eq!(v["allowed"], "a whole number in [1, 40]");

    // A refused reset leaves the session as it was.
    let id = server.open(&json!({"world": small_world()}));
    server.call("POST", &format!("/api/session/{id}/step?months=3"), None);
    let (status, v) = server.call(
        "POST",
        &format!("/api/session/{id}/reset"),
        Some(&json!({"a": {"policy.deadline_pressure": 2}})),
    );
    assert_eq!(status, 400);
    assert_eq!(v["allowed"], "a number in [0, 0.9]");
    let (_, v) = server.call("GET", &format!("/api/session/{id}"), None);
    assert_eq!(v["month"], 3);

    let (status, _) = server.raw("POST", "/api/session", Some("{\"a\": "));
    assert_eq!(status, 400);
}

#[test]
fn an_unknown_session_is_404_and_unknown_pages_too() {
    let server = Server::start(&[]);
    let (status, v) = server.call(
        "POST",
        "/api/session/0123456789abcdef0123456789abcdef/step",
        None,
    );
    assert_eq!(status, 404);
    assert!(v["error"].as_str().expect("error").contains("no session"));
    assert_eq!(server.call("GET", "/api/nothing", None).0, 404);
    let id = server.open(&json!({"world": small_world()}));
    assert_eq!(
        server.call("DELETE", &format!("/api/session/{id}"), None).0,
        204
    );
    assert_eq!(
        server.call("GET", &format!("/api/session/{id}"), None).0,
        404
    );
}

#[test]
fn the_story_of_a_clicked_household_is_told_up_to_the_current_month() {
    let server = Server::start(&[]);
    let id = server.open(&json!({"world": small_world()}));
    server.call("POST", &format!("/api/session/{id}/step?months=24"), None);
    server.call("POST", &format!("/api/session/{id}/step?months=6"), None);
    let (status, story) = server.call(
        "GET",
        &format!("/api/session/{id}/story?side=a&village=2&household=4"),
        None,
    );
    assert_eq!(status, 200, "{story}");
    assert_eq!(story["until"], "2016-06");
    assert_eq!(story["income"].as_array().map(Vec::len), Some(30));
    let events = story["events"].as_array().expect("events");
    assert!(events.iter().any(|e| e["kind"] == "new_secretary"
        && e["month"].as_str().is_some_and(|m| m.starts_with("2015-"))));
    assert!(events.iter().all(|e| e["detail"].is_string()
        && e["kind_label"].is_string()
        && e["month"].as_str().unwrap_or("") <= "2016-06"));

    let (status, v) = server.call(
        "GET",
        &format!("/api/session/{id}/story?side=a&village=2&household=9999"),
        None,
    );
    assert_eq!(status, 400);
    assert!(v["error"]
        .as_str()
        .expect("error")
        .contains("does not exist"));
    let (status, _) = server.call(
        "GET",
        &format!("/api/session/{id}/story?side=b&village=2&household=1"),
        None,
    );
    assert_eq!(status, 400, "no side B in this session");
}

#[test]
fn forty_students_at_once_each_get_their_own_world() {
    let server = Server::start(&[]);
    let addr = server.addr.clone();
    let results: Vec<(u64, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..40u64)
            .map(|k| {
                let server = &server;
                scope.spawn(move || {
                    let id = server.open(&json!({"world": {"simulation.seed": 100 + k}}));
                    let mut last = Value::Null;
                    for _ in 0..3 {
                        let (status, v) =
                            server.call("POST", &format!("/api/session/{id}/step?months=4"), None);
                        assert_eq!(status, 200, "student {k}: {v}");
                        last = v;
                    }
                    (k, last)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a student thread"))
            .collect()
    });
    assert_eq!(results.len(), 40);
    for (k, v) in &results {
        assert_eq!(v["month"], 12, "student {k}");
        assert_eq!(v["world"]["simulation.seed"], 100 + k);
        assert_eq!(v["sides"][0]["villages"].as_array().map(Vec::len), Some(20));
    }
    let (_, status) = server.call("GET", "/api/status", None);
    assert_eq!(status["sessions"], 40, "{addr}");
}

#[test]
fn a_full_server_answers_503_and_a_huge_body_413() {
    let server = Server::start(&["--max-sessions", "2"]);
    server.open(&json!({"world": small_world()}));
    server.open(&json!({"world": small_world()}));
    let (status, v) = server.call("POST", "/api/session", Some(&json!({})));
    assert_eq!(status, 503);
    assert!(v["error"].as_str().expect("error").contains("full"), "{v}");
    let full = server.exchange(
        b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
        CUT_OFF_WITHIN,
    );
    assert_eq!(full.status(), Some(503));
    assert_eq!(
        full.header("retry-after").as_deref(),
        Some("60"),
        "{full:?}"
    );
    let huge = format!("{{\"a\": {{}}, \"pad\": \"{}\"}}", "x".repeat(40_000));
    let (status, _) = server.raw("POST", "/api/session", Some(&huge));
    assert_eq!(status, 413);
}

#[test]
fn the_page_is_served_from_the_binary_with_no_outside_urls() {
    let server = Server::start(&[]);
    for (path, needle) in [
        ("/", "povsim classroom"),
        ("/app.js", "/api/session"),
        ("/style.css", "DejaVu Sans"),
    ] {
        let (status, body) = server.raw("GET", path, None);
        assert_eq!(status, 200, "{path}");
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains(needle), "{path} lacks {needle}");
        assert!(!text.contains("https://"), "{path} names an outside URL");
        // The only http:// allowed is the SVG namespace name, which is never fetched.
        assert!(
            text.replace("http://www.w3.org/2000/svg", "")
                .find("http://")
                .is_none(),
            "{path} names an outside URL"
        );
    }
    let (status, font) = server.raw("GET", "/fonts/DejaVuSans.ttf", None);
    assert_eq!(status, 200);
    assert!(font.len() > 100_000);
    let (_, levers) = server.call("GET", "/api/levers", None);
    let keys: Vec<&str> = levers["levers"]
        .as_array()
        .expect("levers")
        .iter()
        .filter_map(|l| l["key"].as_str())
        .collect();
    for key in [
        "cadres.mix.young_graduate",
        "cadres.mix.experienced",
        "cadres.admin_burden",
        "funding.spending_per_person",
        "incentives.subsidy_scheme",
        "incentives.promotion_on_performance",
        "policy.exit_rule",
        "policy.deadline_pressure",
        "policy.monitoring",
    ] {
        assert!(keys.contains(&key), "no lever {key}");
    }
}

#[test]
fn the_server_stops_cleanly_on_sigint() {
    let server = Server::start(&[]);
    let id = server.open(&json!({"world": small_world()}));
    server.call("POST", &format!("/api/session/{id}/step?months=12"), None);
    let (code, rest) = server.interrupt();
    assert_eq!(code, Some(0), "exit code after SIGINT");
    assert!(rest.contains("povsim serve: stopped"), "{rest}");
}

#[test]
fn a_port_in_use_is_refused_with_exit_code_2() {
    let server = Server::start(&[]);
    let port = server.addr.rsplit(':').next().expect("port").to_owned();
    let out = common::povsim()
        .args(["serve", "--port", &port])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("cannot listen on"),
        "{}",
        common::stderr(&out)
    );
}

/// A request head that declares a JSON body of `length` bytes.
fn post_head(length: u64) -> String {
    format!("POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n")
}

#[test]
fn a_huge_declared_body_gets_413_at_once_and_the_server_lives() {
    let mut server = Server::start(&[]);
    let mut stream = server.connect();
    stream
        .write_all(post_head(4_611_686_018_427_387_904).as_bytes())
        .expect("send");
    // No body follows, and the connection stays open: the answer must not wait for it.
    let mut start = [0u8; 12];
    stream
        .set_read_timeout(Some(CUT_OFF_WITHIN))
        .expect("timeout");
    stream.read_exact(&mut start).expect("an answer at once");
    assert_eq!(&start, b"HTTP/1.1 413");
    let (status, v) = server.call("GET", "/api/status", None);
    assert_eq!(status, 200, "{v}");
    assert!(server.alive());
}

#[test]
fn bodies_that_never_arrive_are_cut_off_and_others_are_served_meanwhile() {
    let server = Server::start(&[]);
    let stalled: Vec<_> = (0..10)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .write_all(format!("{}{{\"a\"", post_head(100)).as_bytes())
                .expect("send");
            stream
        })
        .collect();
    // While all ten wait for bodies that never come, a student is served.
    let id = server.open(&json!({"world": small_world()}));
    let (status, v) = server.call("POST", &format!("/api/session/{id}/step?months=6"), None);
    assert_eq!(status, 200, "{v}");
    for mut stream in stalled {
        match read_outcome(&mut stream, CUT_OFF_WITHIN) {
            Outcome::Answered { status, .. } => assert_eq!(status, 408),
            Outcome::Closed => {}
        }
    }
}

#[test]
fn a_request_head_that_never_ends_is_cut_off() {
    let server = Server::start(&[]);
    let mut stream = server.connect();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    stream
        .write_all(b"GET /api/status HTTP/1.1\r\nHost: x\r\n")
        .expect("send");
    let started = Instant::now();
    let mut buf = [0u8; 256];
    // One more header line every half second, never the blank line that ends the head.
    let cut_off = loop {
        assert!(
            started.elapsed() < CUT_OFF_WITHIN,
            "a slow head held its connection for {CUT_OFF_WITHIN:?}"
        );
        if stream.write_all(b"X-Slow: 1\r\n").is_err() {
            break true;
        }
        match stream.read(&mut buf) {
            Ok(_) => break true,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break true,
        }
    };
    assert!(cut_off);
    assert_eq!(server.call("GET", "/api/status", None).0, 200);
}

#[test]
fn an_oversized_header_gets_431_or_a_close_and_the_server_does_not_grow_by_it() {
    let mut server = Server::start(&[]);
    let (_, peak_before) = server.memory_kb();
    let mut request = b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    request.resize(request.len() + 16 * 1024 * 1024, b'a');
    request.extend_from_slice(b"\r\n\r\n");
    let outcome = server.exchange(&request, CUT_OFF_WITHIN);
    assert!(matches!(outcome.status(), Some(431) | None), "{outcome:?}");
    let (_, peak_after) = server.memory_kb();
    assert!(
        peak_after < peak_before + 8 * 1024,
        "the server's peak memory grew from {peak_before} kB to {peak_after} kB for a 16 MiB header"
    );
    assert!(server.alive());
    assert_eq!(server.call("GET", "/api/status", None).0, 200);
}

#[test]
fn a_full_connection_pool_answers_503_with_retry_after_and_recovers() {
    let server = Server::start(&[]);
    // Every connection of the pool held by a client that started a request and went quiet.
    let held: Vec<_> = (0..MAX_CONNECTIONS)
        .map(|_| {
            let mut stream = server.connect();
            stream.write_all(b"GET / HTTP/1.1\r\n").expect("send");
            stream
        })
        .collect();
    let refused = server.exchange(
        b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n",
        CUT_OFF_WITHIN,
    );
    assert_eq!(refused.status(), Some(503), "{refused:?}");
    assert_eq!(refused.header("retry-after").as_deref(), Some("1"));
    drop(held);
    // The pool empties as the server sees the clients go.
    let started = Instant::now();
    loop {
        let outcome = server.exchange(
            b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n",
            CUT_OFF_WITHIN,
        );
        if outcome.status() == Some(200) {
            break;
        }
        assert!(
            started.elapsed() < CUT_OFF_WITHIN,
            "still refused: {outcome:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sigint_stops_the_server_whatever_its_clients_do() {
    let server = Server::start(&[]);
    let id = server.open(&json!({"world": small_world()}));
    let mut clients = Vec::new();
    for _ in 0..8 {
        let mut stalled = server.connect();
        stalled
            .write_all(format!("{}{{", post_head(200)).as_bytes())
            .expect("send");
        clients.push(stalled);
        let mut slow = server.connect();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .expect("send");
        clients.push(slow);
    }
    let idle = server.connect();
    clients.push(idle);
    server.call("POST", &format!("/api/session/{id}/step?months=3"), None);
    server.assert_stops_on_sigint_within(Duration::from_secs(10));
    drop(clients);
}

#[test]
fn sigterm_stops_the_server_cleanly_too() {
    let server = Server::start(&[]);
    let mut stalled = server.connect();
    stalled
        .write_all(format!("{}{{", post_head(200)).as_bytes())
        .expect("send");
    let (code, rest) = server.signal("-TERM");
    assert_eq!(code, Some(0), "exit code after SIGTERM");
    assert!(rest.contains("povsim serve: stopped"), "{rest}");
}

#[test]
fn bad_requests_get_400_or_404_naming_the_problem() {
    let server = Server::start(&[]);
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/Cargo.toml",
        "/api/session/x/../../levers",
        "/fonts/../../src/main.rs",
    ] {
        let (status, body) = server.raw("GET", path, None);
        assert_eq!(status, 404, "{path}");
        let text = String::from_utf8_lossy(&body);
        assert!(
            text.contains("no such page") || text.contains("no session"),
            "{path}: {text}"
        );
    }
    let (status, v) = server.call("POST", "/api/session", Some(&json!({"world": 5})));
    assert_eq!(status, 400);
    assert!(
        v["error"].as_str().expect("error").contains("invalid type"),
        "{v}"
    );
    let (status, body) = server.raw("POST", "/api/session", Some("{\"a\": [1, 2"));
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("not a valid setup"));
    let garbage = server.exchange(b"\x00\x01GARBAGE\r\n\r\n", CUT_OFF_WITHIN);
    assert!(matches!(garbage.status(), Some(400) | None), "{garbage:?}");
    assert_eq!(server.call("GET", "/api/status", None).0, 200);
}
