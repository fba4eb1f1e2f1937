//! Prints how the extractor chose a page's main content: `explain FILE[.gz]`.

use std::io::Read;

fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: explain FILE[.gz]");
        std::process::exit(2);
    };
    let mut bytes = Vec::new();
    let file = std::fs::File::open(&path)?;
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(file).read_to_end(&mut bytes)?;
    } else {
        std::io::BufReader::new(file).read_to_end(&mut bytes)?;
    }
    print!("{}", tidings_extract::explain(&bytes));
    Ok(())
}
