//! Routing: a request (method, path and query, body) to a [`Reply`], with no sockets involved,
//! so the whole API is tested in-process as well as over HTTP.
//!
//! | route | what |
//! | --- | --- |
//! | `GET /` and the assets | the page (embedded) |
//! | `GET /api/levers` | levers, defaults, status classes, limits |
//! | `GET /api/status` | sessions in use and the limit |
//! | `POST /api/session` | open a session from a [`SetupRequest`]: 201 and its state |
//! | `GET /api/session/ID` | the state with every row so far |
//! | `POST /api/session/ID/step?months=N` | simulate N months (1 to 24): the new rows |
//! | `POST /api/session/ID/reset` | back to January 2014; a body sets new levers |
//! | `GET /api/session/ID/story?side=a&village=V&household=H` | a household's story up to now |
//! | `DELETE /api/session/ID` | close the session |
//!
//! A refused lever is 400 with `{error, parameter, allowed, side}`; an unknown session 404; a
//! full server 503 with `Retry-After` (checked before the setup is read or a world built).

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::api::{Catalogue, ErrorBody, LimitsInfo, SetupRequest, StatusInfo};
use super::assets;
use super::levers;
use super::session::{SessionStore, StoreError};
use super::world::{key_of, Classroom};
use crate::story::{status_words, Status};

/// Most months a step request may ask for (24 months of the largest world take well under a
/// second).
pub const MAX_STEP_MONTHS: u32 = 24;

/// What the routes share: the session store and the catalogue (built once).
pub struct AppState {
    store: Mutex<SessionStore<Classroom>>,
    catalogue: Vec<u8>,
}

impl AppState {
    /// A fresh state with an empty store.
    pub fn new(store: SessionStore<Classroom>) -> AppState {
        let limits = store.limits();
        let catalogue = Catalogue {
            levers: levers::LEVERS.to_vec(),
            world: levers::WORLD.to_vec(),
            defaults: levers::defaults(),
            statuses: ALL_STATUSES
                .iter()
                .map(|&s| StatusInfo {
                    code: s.code(),
                    key: key_of(&s),
                    label: status_words(s),
                })
                .collect(),
            limits: LimitsInfo {
                max_step_months: MAX_STEP_MONTHS,
                months: levers::MONTHS,
                max_sessions: limits.max_sessions,
                idle_minutes: limits.idle_lifetime.as_secs() / 60,
            },
        };
        AppState {
            store: Mutex::new(store),
            catalogue: serde_json::to_vec(&catalogue).unwrap_or_default(),
        }
    }

    /// Drop expired sessions; returns how many.
    pub fn sweep(&self, now: Instant) -> usize {
        self.store().sweep(now)
    }

    /// The store, even if a panicking request poisoned its lock (its operations leave it
    /// consistent at every step).
    fn store(&self) -> std::sync::MutexGuard<'_, SessionStore<Classroom>> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The status classes in code order.
const ALL_STATUSES: [Status; 6] = [
    Status::NeverPoor,
    Status::PoorRegistered,
    Status::PoorMissed,
    Status::Exited,
    Status::Relapsed,
    Status::RegisteredNotPoor,
];

/// An answer: status code, content type, body, and whether the body may be cached.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: Cow<'static, [u8]>,
    /// `Allow` header of a 405.
    pub allow: Option<&'static str>,
    /// `Retry-After` header of a 503, seconds.
    pub retry_after: Option<u32>,
}

const JSON: &str = "application/json; charset=utf-8";

impl Reply {
    fn json<T: serde::Serialize>(status: u16, value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply {
                status,
                content_type: JSON,
                body: Cow::Owned(body),
                allow: None,
                retry_after: None,
            },
            Err(e) => Reply::error(500, ErrorBody::plain(format!("internal error: {e}"))),
        }
    }

    fn error(status: u16, body: ErrorBody) -> Reply {
        let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
        Reply {
            status,
            content_type: JSON,
            body: Cow::Owned(bytes),
            allow: None,
            retry_after: None,
        }
    }

    /// An error answer with a plain message.
    pub fn message(status: u16, message: impl Into<String>) -> Reply {
        Reply::error(status, ErrorBody::plain(message))
    }

    /// A 503 asking the client to come back in `seconds`.
    pub fn unavailable(message: impl Into<String>, seconds: u32) -> Reply {
        let mut reply = Reply::message(503, message);
        reply.retry_after = Some(seconds);
        reply
    }

    fn not_allowed(allow: &'static str) -> Reply {
        let mut reply = Reply::message(405, format!("method not allowed here; allowed: {allow}"));
        reply.allow = Some(allow);
        reply
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            content_type: JSON,
            body: Cow::Borrowed(b""),
            allow: None,
            retry_after: None,
        }
    }
}

/// Answer one request. `url` is the path with its query; `body` has been read already (within
/// the size limit).
pub fn route(state: &AppState, method: &str, url: &str, body: &[u8], now: Instant) -> Reply {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if let Some(asset) = assets::find(path) {
        return match method {
            "GET" | "HEAD" => Reply {
                status: 200,
                content_type: asset.content_type,
                body: Cow::Borrowed(asset.bytes),
                allow: None,
                retry_after: None,
            },
            _ => Reply::not_allowed("GET"),
        };
    }
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        ("GET", ["", "api", "levers"]) => Reply {
            status: 200,
            content_type: JSON,
            body: Cow::Owned(state.catalogue.clone()),
            allow: None,
            retry_after: None,
        },
        (_, ["", "api", "levers"]) => Reply::not_allowed("GET"),
        ("GET", ["", "api", "status"]) => {
            let store = state.store();
            Reply::json(
                200,
                &serde_json::json!({
                    "status": "ok",
                    "version": env!("CARGO_PKG_VERSION"),
                    "sessions": store.len(),
                    "max_sessions": store.limits().max_sessions,
                }),
            )
        }
        (_, ["", "api", "status"]) => Reply::not_allowed("GET"),
        ("POST", ["", "api", "session"]) => open(state, body, now),
        (_, ["", "api", "session"]) => Reply::not_allowed("POST"),
        (_, ["", "api", "session", id, rest @ ..]) => {
            session_route(state, method, id, rest, query, body, now)
        }
        _ => Reply::message(404, format!("no such page: {path}")),
    }
}

fn parse_setup(body: &[u8]) -> Result<SetupRequest, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(SetupRequest::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        Reply::message(
            400,
            format!("the request body is not a valid setup ({{\"world\": {{...}}, \"a\": {{...}}, \"b\": {{...}}}}): {e}"),
        )
    })
}

fn build(setup: &SetupRequest) -> Result<Classroom, Reply> {
    Classroom::build(setup).map_err(|e| Reply::error(400, ErrorBody::lever(&e.lever, e.side)))
}

/// Seconds a student is asked to wait when every session is in use (the message says "a
/// minute").
pub const FULL_RETRY_AFTER: u32 = 60;

fn full(e: &StoreError) -> Reply {
    Reply::unavailable(e.to_string(), FULL_RETRY_AFTER)
}

fn open(state: &AppState, body: &[u8], now: Instant) -> Reply {
    // Room first: a full server refuses before parsing the setup or building a world.
    if let Err(e) = state.store().check_room(now) {
        return full(&e);
    }
    let classroom = match parse_setup(body).and_then(|s| build(&s)) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let opened = state.store().open(classroom, now);
    match opened {
        Ok((id, handle)) => match handle.lock() {
            Ok(c) => Reply::json(201, &c.view(&id, 0)),
            Err(_) => Reply::message(500, "internal error: the new session is broken"),
        },
        Err(e) => full(&e),
    }
}

fn session_route(
    state: &AppState,
    method: &str,
    id: &str,
    rest: &[&str],
    query: &str,
    body: &[u8],
    now: Instant,
) -> Reply {
    let allow = match rest {
        [] => "GET, DELETE",
        ["step"] | ["reset"] => "POST",
        ["story"] => "GET",
        _ => {
            return Reply::message(
                404,
                format!("no such page: /api/session/{id}/{}", rest.join("/")),
            )
        }
    };
    if !allow.split(", ").any(|m| m == method) {
        return Reply::not_allowed(allow);
    }
    if method == "DELETE" {
        return if state.store().close(id) {
            Reply::no_content()
        } else {
            unknown_session(id)
        };
    }
    let Some(handle) = state.store().get(id, now) else {
        return unknown_session(id);
    };
    let Ok(mut classroom) = handle.lock() else {
        // A request panicked while holding this world: it cannot be trusted any more.
        state.store().close(id);
        return Reply::message(
            500,
            "internal error: this session broke and was closed; reload the page to start a new one",
        );
    };
    match rest {
        [] => Reply::json(200, &classroom.view(id, 0)),
        ["step"] => {
            let months = match query_value(query, "months") {
                None => 1,
                Some(text) => match text.parse::<u32>() {
                    Ok(n) if (1..=MAX_STEP_MONTHS).contains(&n) => n,
                    _ => {
                        return bad_query(
                            "months",
                            text,
                            &format!("a whole number in [1, {MAX_STEP_MONTHS}]"),
                        )
                    }
                },
            };
            let before = classroom.month();
            classroom.step(months);
            Reply::json(200, &classroom.view(id, before))
        }
        ["reset"] => {
            if body.iter().all(u8::is_ascii_whitespace) {
                classroom.reset();
            } else {
                match parse_setup(body).and_then(|s| build(&s)) {
                    Ok(c) => *classroom = c,
                    Err(reply) => return reply,
                }
            }
            Reply::json(200, &classroom.view(id, 0))
        }
        ["story"] => {
            let side = query_value(query, "side").unwrap_or("a");
            let mut numbers = [0u32; 2];
            for (slot, name) in numbers.iter_mut().zip(["village", "household"]) {
                match query_value(query, name).map(|t| (t, t.parse::<u32>())) {
                    Some((_, Ok(n))) => *slot = n,
                    Some((text, Err(_))) => return bad_query(name, text, "a whole number from 0"),
                    None => return bad_query(name, "", "a whole number from 0"),
                }
            }
            match classroom.story(side, numbers[0], numbers[1]) {
                Ok(story) => Reply::json(200, &story),
                Err(e) => Reply::message(400, e.0),
            }
        }
        _ => Reply::message(404, "no such page"),
    }
}

fn unknown_session(id: &str) -> Reply {
    let shown: String = id.chars().take(40).collect();
    Reply::message(
        404,
        format!("no session {shown} (sessions close after 30 idle minutes and when the server stops); reload the page to start a new one"),
    )
}

fn bad_query(name: &str, text: &str, allowed: &str) -> Reply {
    let shown: String = text.chars().take(40).collect();
    Reply::error(
        400,
        ErrorBody {
            error: format!("`{name}` = {shown:?} is not allowed: expected {allowed}"),
            parameter: Some(name.to_owned()),
            allowed: Some(allowed.to_owned()),
            side: None,
        },
    )
}

/// The value of `name` in a query string (`a=1&b=2`), undecoded (the API's values are plain).
fn query_value<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::session::Limits;
    use serde_json::{json, Value};

    fn state(max: usize) -> AppState {
        AppState::new(SessionStore::new(Limits {
            max_sessions: max,
            ..Limits::default()
        }))
    }

    fn call(state: &AppState, method: &str, url: &str, body: Value) -> (u16, Value) {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let reply = route(state, method, url, &bytes, Instant::now());
        let value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        (reply.status, value)
    }

    fn small() -> Value {
        json!({"world": {"population.villages": 3, "population.households_per_village": 30}})
    }

    #[test]
    fn the_page_and_its_assets_are_served() {
        let s = state(4);
        for path in ["/", "/app.js", "/style.css", "/fonts/DejaVuSans.ttf"] {
            let r = route(&s, "GET", path, b"", Instant::now());
            assert_eq!(r.status, 200, "{path}");
            assert!(!r.body.is_empty(), "{path}");
        }
        assert_eq!(route(&s, "POST", "/", b"", Instant::now()).status, 405);
        assert_eq!(
            route(&s, "GET", "/nothing", b"", Instant::now()).status,
            404
        );
    }

    #[test]
    fn a_session_opens_steps_and_resets() {
        let s = state(4);
        let (code, v) = call(&s, "POST", "/api/session", small());
        assert_eq!(code, 201, "{v}");
        let id = v["session"].as_str().expect("id").to_owned();
        let (code, v) = call(
            &s,
            "POST",
            &format!("/api/session/{id}/step?months=13"),
            Value::Null,
        );
        assert_eq!(code, 200, "{v}");
        assert_eq!(v["month"], 13);
        assert_eq!(v["label"], "2015-01");
        assert_eq!(v["sides"][0]["rows"].as_array().map(Vec::len), Some(13));
        let (_, v) = call(&s, "POST", &format!("/api/session/{id}/step"), Value::Null);
        assert_eq!(v["rows_from"], 13);
        assert_eq!(v["sides"][0]["rows"].as_array().map(Vec::len), Some(1));
        let (code, v) = call(&s, "POST", &format!("/api/session/{id}/reset"), Value::Null);
        assert_eq!(code, 200);
        assert_eq!(v["month"], 0);
        let (code, v) = call(
            &s,
            "POST",
            &format!("/api/session/{id}/reset"),
            json!({"a": {"cadres.admin_burden": 0.2}, "b": {}}),
        );
        assert_eq!(code, 200, "{v}");
        assert_eq!(v["sides"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["sides"][0]["levers"]["cadres.admin_burden"], json!(0.2));
        assert_eq!(v["sides"][1]["levers"]["cadres.admin_burden"], json!(0.5));
    }

    #[test]
    fn bad_requests_get_400_naming_what_is_wrong() {
        let s = state(4);
        let (code, v) = call(
            &s,
            "POST",
            "/api/session",
            json!({"a": {"cadres.admin_burden": 7}}),
        );
        assert_eq!(code, 400);
        assert_eq!(v["parameter"], "cadres.admin_burden");
        assert_eq!(v["allowed"], "a number in [0, 1]");
        assert_eq!(v["side"], "a");
        let (code, v) = call(&s, "POST", "/api/session", json!({"c": {}}));
        assert_eq!(code, 400);
        assert!(
            v["error"].as_str().unwrap_or("").contains("unknown field"),
            "{v}"
        );
        let r = route(&s, "POST", "/api/session", b"{not json", Instant::now());
        assert_eq!(r.status, 400);
        let (_, v) = call(&s, "POST", "/api/session", small());
        let id = v["session"].as_str().expect("id").to_owned();
        for months in ["0", "25", "x", "-1"] {
            let (code, v) = call(
                &s,
                "POST",
                &format!("/api/session/{id}/step?months={months}"),
                Value::Null,
            );
            assert_eq!(code, 400, "{months}");
            assert_eq!(v["parameter"], "months");
            assert_eq!(v["allowed"], "a whole number in [1, 24]");
        }
        let (code, v) = call(
            &s,
            "GET",
            &format!("/api/session/{id}/story?side=a&village=x&household=1"),
            Value::Null,
        );
        assert_eq!(code, 400);
        assert_eq!(v["parameter"], "village");
        let (code, _) = call(
            &s,
            "GET",
            &format!("/api/session/{id}/story?side=a&village=99&household=1"),
            Value::Null,
        );
        assert_eq!(code, 400);
    }

    #[test]
    fn unknown_sessions_are_404_and_closed_ones_too() {
        let s = state(4);
        let (code, v) = call(&s, "POST", "/api/session/nope/step", Value::Null);
        assert_eq!(code, 404);
        assert!(
            v["error"].as_str().unwrap_or("").contains("no session"),
            "{v}"
        );
        let (_, v) = call(&s, "POST", "/api/session", small());
        let id = v["session"].as_str().expect("id").to_owned();
        assert_eq!(
            call(&s, "DELETE", &format!("/api/session/{id}"), Value::Null).0,
            204
        );
        assert_eq!(
            call(&s, "GET", &format!("/api/session/{id}"), Value::Null).0,
            404
        );
        assert_eq!(
            call(&s, "GET", &format!("/api/session/{id}/step"), Value::Null).0,
            405
        );
    }

    #[test]
    fn a_full_server_answers_503() {
        let s = state(2);
        for _ in 0..2 {
            assert_eq!(call(&s, "POST", "/api/session", small()).0, 201);
        }
        let (code, v) = call(&s, "POST", "/api/session", small());
        assert_eq!(code, 503);
        assert!(v["error"].as_str().unwrap_or("").contains("full"), "{v}");
        let reply = route(&s, "POST", "/api/session", b"{}", Instant::now());
        assert_eq!(reply.retry_after, Some(FULL_RETRY_AFTER));
    }

    #[test]
    fn a_full_server_refuses_a_new_session_before_reading_its_setup() {
        let s = state(1);
        assert_eq!(call(&s, "POST", "/api/session", small()).0, 201);
        // A setup that would be refused (400) if it were read: the room check comes first,
        // so no world is built for a request that cannot be kept.
        let (code, v) = call(&s, "POST", "/api/session", json!({"a": {"x": 1}}));
        assert_eq!(code, 503, "{v}");
        let r = route(&s, "POST", "/api/session", b"{not json", Instant::now());
        assert_eq!(r.status, 503);
    }

    #[test]
    fn the_catalogue_lists_levers_statuses_and_limits() {
        let s = state(4);
        let (code, v) = call(&s, "GET", "/api/levers", Value::Null);
        assert_eq!(code, 200);
        assert_eq!(
            v["levers"].as_array().map(Vec::len),
            Some(levers::LEVERS.len())
        );
        assert_eq!(v["statuses"][2]["key"], "poor_missed");
        assert_eq!(v["limits"]["max_step_months"], MAX_STEP_MONTHS);
        assert_eq!(v["defaults"]["population.villages"], 20);
        assert_eq!(v["levers"][0]["type"], "number");
    }
}
