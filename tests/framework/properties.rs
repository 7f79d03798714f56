//! Property tests: decoding and path building never panic, whatever the input.

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

use crate::things::{GetThing, PokeThing};

fn client_answering(status: u16, body: Vec<u8>) -> mgc::Client {
    let body = Bytes::from(body);
    let double = tower::service_fn(move |_request: http::Request<Bytes>| {
        let response = http::Response::builder()
            .status(status)
            .body(body.clone())
            .unwrap();
        async move { Ok::<_, std::convert::Infallible>(response) }
    });
    mgc::Client::builder()
        .api_key("k")
        .max_attempts(1)
        .transport(double)
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_response_is_a_value_or_a_typed_error(
        status in prop_oneof![Just(200u16), Just(204), Just(400), Just(404), Just(500), 100u16..600],
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            "[{}\\[\\]\":,a-z0-9 ]{0,64}".prop_map(String::into_bytes),
            ("[a-z ]{0,8}", "[a-z ]{0,8}")
                .prop_map(|(id, name)| format!(r#"{{"id":"{id}","name":"{name}"}}"#).into_bytes()),
        ],
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = client_answering(status, body.clone());
        let outcome = runtime.block_on(client.send(GetThing::new("1")));
        match outcome {
            // `Ok` only for a success status whose body really is a thing.
            Ok(thing) => {
                prop_assert!((200..300).contains(&status));
                let parsed: crate::things::Thing = serde_json::from_slice(&body)
                    .map_err(|e| TestCaseError::fail(format!("Ok from a body that is not a thing: {e}")))?;
                prop_assert_eq!(thing, parsed);
            }
            Err(error) => prop_assert!(
                !(200..300).contains(&status)
                    || matches!(error, mgc::Error::Decode { .. } | mgc::Error::Redirect { .. }),
                "a success status failed with {:?}", error
            ),
        }
    }

    #[test]
    fn any_id_stays_exactly_one_path_segment(id in "\\PC{1,40}|[./%?#\\\\ ]{1,8}") {
        let client = mgc::Client::builder().api_key("k").build().unwrap();
        match client.preview(&PokeThing::new(id.as_str())) {
            Ok(request) => {
                let path = request.url.strip_prefix("https://api.magalu.cloud/br-se1/compute/v1/things/").unwrap();
                let segment = path.strip_suffix("/poke").unwrap();
                prop_assert!(!segment.contains('/') && !segment.contains('?') && !segment.contains('#'));
                prop_assert_eq!(percent_decode_str(segment).decode_utf8().unwrap(), id.as_str());
            }
            Err(mgc::Error::InvalidInput { .. }) => prop_assert!(id == "." || id == ".."),
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }
}
