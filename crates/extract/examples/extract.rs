//! Prints the extraction of one page as JSON: `extract FILE[.gz] [URL]`.

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: extract FILE[.gz] [URL]");
        std::process::exit(2);
    };
    let url = args.next();
    let mut bytes = Vec::new();
    let file = std::fs::File::open(&path)?;
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(file).read_to_end(&mut bytes)?;
    } else {
        std::io::BufReader::new(file).read_to_end(&mut bytes)?;
    }
    let article = tidings_extract::extract(&bytes, url.as_deref(), None)?;
    println!("{}", serde_json::to_string_pretty(&article)?);
    Ok(())
}
