//! The session store: every student's page has its own world, and the store bounds how many
//! worlds there are and how long they live, so a class (or a stray script) cannot exhaust the
//! server.
//!
//! A session is dropped when it has been idle longer than [`Limits::idle_lifetime`] or has
//! lived longer than [`Limits::max_age`] (swept periodically and checked on every use). When
//! the store is full, a new session replaces the least recently used one if that one has been
//! idle for at least [`Limits::evict_after_idle`]; otherwise the store answers
//! [`StoreError::Full`] (the server says 503, try again in a minute). The store is generic
//! over what a session holds, so its limits are tested without simulations, and takes the
//! time as an argument, so tests need no sleeping.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The bounds of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most sessions held at once.
    pub max_sessions: usize,
    /// A session unused for this long is closed.
    pub idle_lifetime: Duration,
    /// A session is closed this long after it was opened, however busy.
    pub max_age: Duration,
    /// When the store is full, the least recently used session is closed for a new one only
    /// if it has been idle at least this long.
    pub evict_after_idle: Duration,
}

impl Default for Limits {
    /// 64 sessions, 30 minutes idle, 4 hours at most, eviction after 2 idle minutes.
    fn default() -> Self {
        Limits {
            max_sessions: 64,
            idle_lifetime: Duration::from_secs(30 * 60),
            max_age: Duration::from_secs(4 * 60 * 60),
            evict_after_idle: Duration::from_secs(2 * 60),
        }
    }
}

/// Why the store cannot open a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Every session is in use and none has been idle long enough to be closed.
    #[error(
        "the classroom server is full ({max} sessions in use); try again in a minute, or ask the teacher to restart it with a larger --max-sessions"
    )]
    Full {
        /// The limit that was reached.
        max: usize,
    },
}

/// A session id: 32 hex digits, unguessable enough that students cannot stumble into each
/// other's worlds (keys from the operating system's randomness via `RandomState`).
pub type SessionId = String;

struct Entry<T> {
    session: Arc<Mutex<T>>,
    opened: Instant,
    last_used: Instant,
}

/// Where a new session finds room.
enum Room {
    /// Below the limit.
    Free,
    /// At the limit: closing this least recently used, long idle session makes room.
    ByClosing(SessionId),
}

/// Sessions by id, with their limits.
pub struct SessionStore<T> {
    limits: Limits,
    entries: HashMap<SessionId, Entry<T>>,
    ids: IdSource,
}

impl<T> SessionStore<T> {
    /// An empty store with these limits.
    pub fn new(limits: Limits) -> Self {
        SessionStore {
            limits,
            entries: HashMap::new(),
            ids: IdSource::new(),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Number of sessions held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Open a session holding `session` at time `now`; returns its id and the shared handle.
    /// Expired sessions are dropped first; when the store is still full, the least recently
    /// used session idle for at least `evict_after_idle` makes room, or the store refuses.
    pub fn open(
        &mut self,
        session: T,
        now: Instant,
    ) -> Result<(SessionId, Arc<Mutex<T>>), StoreError> {
        if let Room::ByClosing(id) = self.room(now)? {
            self.entries.remove(&id);
        }
        let id = loop {
            let id = self.ids.next();
            if !self.entries.contains_key(&id) {
                break id;
            }
        };
        let handle = Arc::new(Mutex::new(session));
        self.entries.insert(
            id.clone(),
            Entry {
                session: Arc::clone(&handle),
                opened: now,
                last_used: now,
            },
        );
        Ok((id, handle))
    }

    /// The session `id` at time `now`, marked as used; `None` if there is none or it has
    /// expired (an expired one is dropped).
    pub fn get(&mut self, id: &str, now: Instant) -> Option<Arc<Mutex<T>>> {
        let expired = self.entries.get(id).map(|e| self.expired(e, now))?;
        if expired {
            self.entries.remove(id);
            return None;
        }
        let entry = self.entries.get_mut(id)?;
        entry.last_used = now;
        Some(Arc::clone(&entry.session))
    }

    /// Whether a session could be opened at `now`, checked before the caller builds one (a
    /// world is large: a full server refuses before allocating it). Expired sessions are
    /// dropped; nothing else changes (the session that would make room stays until
    /// [`SessionStore::open`]).
    pub fn check_room(&mut self, now: Instant) -> Result<(), StoreError> {
        self.room(now).map(|_| ())
    }

    /// How a new session fits at `now`, after dropping expired ones.
    fn room(&mut self, now: Instant) -> Result<Room, StoreError> {
        self.sweep(now);
        if self.entries.len() < self.limits.max_sessions {
            return Ok(Room::Free);
        }
        let oldest = self
            .entries
            .iter()
            .min_by_key(|(_, e)| e.last_used)
            .map(|(id, e)| (id, now.saturating_duration_since(e.last_used)));
        match oldest {
            Some((id, idle)) if idle >= self.limits.evict_after_idle => {
                Ok(Room::ByClosing(id.clone()))
            }
            _ => Err(StoreError::Full {
                max: self.limits.max_sessions,
            }),
        }
    }

    /// Close session `id`; whether there was one.
    pub fn close(&mut self, id: &str) -> bool {
        self.entries.remove(id).is_some()
    }

    /// Drop every session that is idle too long or too old at `now`; returns how many.
    pub fn sweep(&mut self, now: Instant) -> usize {
        let before = self.entries.len();
        let limits = self.limits;
        self.entries
            .retain(|_, e| !Self::expired_with(&limits, e, now));
        before - self.entries.len()
    }

    fn expired(&self, entry: &Entry<T>, now: Instant) -> bool {
        Self::expired_with(&self.limits, entry, now)
    }

    fn expired_with(limits: &Limits, entry: &Entry<T>, now: Instant) -> bool {
        now.saturating_duration_since(entry.last_used) > limits.idle_lifetime
            || now.saturating_duration_since(entry.opened) > limits.max_age
    }
}

/// Session ids from two SipHash keys chosen by the operating system (`RandomState`), hashed
/// with a counter and the time: distinct and unpredictable to a student.
struct IdSource {
    keys: [RandomState; 2],
    counter: u64,
}

impl IdSource {
    fn new() -> Self {
        IdSource {
            keys: [RandomState::new(), RandomState::new()],
            counter: 0,
        }
    }

    fn next(&mut self) -> SessionId {
        self.counter = self.counter.wrapping_add(1);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let half = |key: &RandomState| {
            let mut h = key.build_hasher();
            h.write_u64(self.counter);
            h.write_u128(nanos);
            h.finish()
        };
        format!("{:016x}{:016x}", half(&self.keys[0]), half(&self.keys[1]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max: usize) -> Limits {
        Limits {
            max_sessions: max,
            idle_lifetime: Duration::from_secs(30 * 60),
            max_age: Duration::from_secs(4 * 3600),
            evict_after_idle: Duration::from_secs(120),
        }
    }

    fn mins(m: u64) -> Duration {
        Duration::from_secs(60 * m)
    }

    #[test]
    fn sessions_get_distinct_unguessable_ids() {
        let mut store = SessionStore::new(limits(100));
        let t = Instant::now();
        let ids: Vec<_> = (0..100)
            .map(|k| store.open(k, t).expect("room").0)
            .collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 100);
        assert!(ids
            .iter()
            .all(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit())));
    }

    #[test]
    fn a_session_is_found_by_its_id_and_an_unknown_id_is_not() {
        let mut store = SessionStore::new(limits(4));
        let t = Instant::now();
        let (id, handle) = store.open(41, t).expect("room");
        *handle.lock().expect("lock") += 1;
        let found = store.get(&id, t).expect("found");
        assert_eq!(*found.lock().expect("lock"), 42);
        assert!(store.get("0123456789abcdef0123456789abcdef", t).is_none());
        assert!(store.close(&id));
        assert!(store.get(&id, t).is_none());
    }

    #[test]
    fn a_full_store_refuses_while_every_session_is_in_use() {
        let mut store = SessionStore::new(limits(3));
        let t = Instant::now();
        for k in 0..3 {
            store.open(k, t).expect("room");
        }
        let e = store.open(9, t + Duration::from_secs(60)).unwrap_err();
        assert_eq!(e, StoreError::Full { max: 3 });
        assert!(e.to_string().contains("full (3 sessions"), "{e}");
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn room_is_checked_without_closing_anything() {
        let mut store = SessionStore::new(limits(2));
        let t = Instant::now();
        assert_eq!(store.check_room(t), Ok(()));
        let a = store.open("a", t).expect("room").0;
        store.open("b", t).expect("room");
        assert_eq!(
            store.check_room(t + mins(1)),
            Err(StoreError::Full { max: 2 })
        );
        // Idle long enough to be closed for a newcomer: room, but a stays until open.
        assert_eq!(store.check_room(t + mins(3)), Ok(()));
        assert_eq!(store.len(), 2);
        assert!(store.get(&a, t + mins(3)).is_some());
    }

    #[test]
    fn a_full_store_closes_the_least_recently_used_idle_session() {
        let mut store = SessionStore::new(limits(3));
        let t = Instant::now();
        let a = store.open("a", t).expect("room").0;
        let b = store.open("b", t).expect("room").0;
        let c = store.open("c", t).expect("room").0;
        // a and c are used later; b is the least recently used.
        store.get(&a, t + mins(1));
        store.get(&c, t + mins(1));
        let d = store.open("d", t + mins(3)).expect("b makes room").0;
        assert_eq!(store.len(), 3);
        assert!(store.get(&b, t + mins(3)).is_none(), "b was closed");
        for id in [&a, &c, &d] {
            assert!(store.get(id, t + mins(3)).is_some());
        }
    }

    #[test]
    fn idle_sessions_expire_and_are_swept() {
        let mut store = SessionStore::new(limits(10));
        let t = Instant::now();
        let a = store.open(1, t).expect("room").0;
        let b = store.open(2, t).expect("room").0;
        store.get(&b, t + mins(20));
        assert_eq!(store.sweep(t + mins(31)), 1, "a idle 31 minutes");
        assert!(store.get(&a, t + mins(31)).is_none());
        assert!(store.get(&b, t + mins(31)).is_some());
        // An expired session is refused on use even before a sweep.
        assert!(store.get(&b, t + mins(62)).is_none());
        assert!(store.is_empty());
    }

    #[test]
    fn busy_sessions_still_end_at_the_maximum_age() {
        let mut store = SessionStore::new(limits(10));
        let t = Instant::now();
        let a = store.open(1, t).expect("room").0;
        for m in (10..=240).step_by(10) {
            assert!(store.get(&a, t + mins(m)).is_some(), "alive at {m} minutes");
        }
        assert!(store.get(&a, t + mins(241)).is_none());
    }
}
