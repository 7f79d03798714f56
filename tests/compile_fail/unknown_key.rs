//! A misspelled key.
mgc::endpoint! {
    /// Starts a thing.
    pub struct StartThing {
        method: POST,
        path: "/v1/things/start",
        response: (),
        idempotnet: true,
    }
}

fn main() {}
