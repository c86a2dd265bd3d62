//! A bare hyper server that answers every request with the same feed bytes
//! and the same headers portalfeed sends: the baseline the load check
//! compares portalfeed's feed path with (`scripts/load.sh`).
//!
//! `cargo run --release --example bare_hyper -- 127.0.0.1:8090 FILE`
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let file = args.next().expect("a file with the feed bytes");
    let body = Bytes::from(std::fs::read(&file).expect("read the feed"));
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        e.write_all(&body).unwrap();
        Bytes::from(e.finish().unwrap())
    };
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    eprintln!("bare hyper on {addr}");
    loop {
        let (stream, _) = listener.accept().await.expect("accept");
        let _ = stream.set_nodelay(true);
        let (body, gz) = (body.clone(), gz.clone());
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                let (body, gz) = (body.clone(), gz.clone());
                async move {
                    let etag = HeaderValue::from_static("\"0123456789abcdef01234567\"");
                    let mut b = Response::builder()
                        .header(header::ETAG, etag.clone())
                        .header(header::LAST_MODIFIED, "Mon, 13 May 2019 06:01:05 GMT")
                        .header(header::CACHE_CONTROL, "public, max-age=225")
                        .header(header::VARY, "Accept-Encoding");
                    if req.headers().get(header::IF_NONE_MATCH) == Some(&etag) {
                        return Ok::<_, Infallible>(
                            b.status(StatusCode::NOT_MODIFIED)
                                .body(Full::new(Bytes::new()))
                                .unwrap(),
                        );
                    }
                    let gzip = req
                        .headers()
                        .get(header::ACCEPT_ENCODING)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.contains("gzip"));
                    b = b.header(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8");
                    let bytes = if gzip {
                        b = b.header(header::CONTENT_ENCODING, "gzip");
                        gz
                    } else {
                        body
                    };
                    Ok(b.body(Full::new(bytes)).unwrap())
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}
