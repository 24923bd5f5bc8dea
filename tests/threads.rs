//! The built Extractor is shared across threads by reference.

mod common;

use common::{extractor, SEED};
use zhextract::Extractor;

#[test]
fn extractor_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Extractor>();
}

#[test]
fn four_threads_get_identical_documents() {
    let ex = extractor();
    let expected = ex.extract(SEED).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    (0..5)
                        .map(|_| ex.extract(SEED).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for doc in h.join().unwrap() {
                assert_eq!(doc, expected);
            }
        }
    });
}
