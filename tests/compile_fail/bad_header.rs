//! A static header whose name is not a header name.
mgc::endpoint! {
    /// Reads things.
    pub struct ListThings {
        method: GET,
        path: "/v1/things",
        response: (),
        headers: { "x api version": "1.1" },
    }
}

fn main() {}
