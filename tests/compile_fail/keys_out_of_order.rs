//! Keys in an order the macro does not take.
mgc::endpoint! {
    /// Starts a thing.
    pub struct StartThing {
        method: POST,
        path: "/v1/things/start",
        response: (),
        idempotent: true,
        status: 204,
    }
}

fn main() {}
