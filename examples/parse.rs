fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let (ast, d) = lrb::syntax::parse(&text, lrb::source::FileId(0));
    println!("{ast:#?}\n{d:#?}");
}
