//! The message loop: the handshake, document sync, one handler per request, and a clean end on
//! `shutdown` then `exit`. Requests are answered in order on this thread from the current
//! text, so an answer always matches the text the editor has; a handler that panics answers
//! with an error and the server goes on.

use super::analysis::Analysis;
use super::diagnostics::{self, Scheduler};
use super::documents::Documents;
use super::position::LineIndex;
use super::{code_action, completion, definition, formatting, hover, symbols};
use lsp_server::{Connection, ErrorCode, Message, Notification, ProtocolError, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Exit, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    References, Request as _, Shutdown,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, DocumentSymbolResponse,
    GotoDefinitionResponse, HoverProviderCapability, InitializeParams, OneOf, PositionEncodingKind,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How the server behaves, beyond what the client asks for.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How long the text must rest before it is checked; `initializationOptions.debounce_ms`
    /// overrides it.
    pub debounce: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            debounce: Duration::from_millis(30),
        }
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([".", ":", "(", "{", " "].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves one client until it says `exit`. `Ok(true)` when `shutdown` came first, as the
/// protocol wants for a clean end; `Ok(false)` when it did not, or the client went away.
pub fn serve(connection: &Connection, mut options: Options) -> Result<bool, ProtocolError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    if let Some(ms) = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("debounce_ms"))
        .and_then(serde_json::Value::as_u64)
    {
        options.debounce = Duration::from_millis(ms);
    }
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities(),
            "serverInfo": ServerInfo {
                name: "lrb".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            },
        }),
    )?;
    let documents = Arc::new(RwLock::new(Documents::default()));
    let (scheduler, worker) = Scheduler::start(
        documents.clone(),
        connection.sender.clone(),
        options.debounce,
    );
    let mut shut_down = false;
    let mut clean = false;
    for message in &connection.receiver {
        match message {
            Message::Request(req) if shut_down => reply(
                connection,
                Response::new_err(
                    req.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".into(),
                ),
            ),
            Message::Request(req) if req.method == Shutdown::METHOD => {
                shut_down = true;
                reply(connection, Response::new_ok(req.id, ()));
            }
            Message::Request(req) => {
                let id = req.id.clone();
                let docs = diagnostics::read(&documents);
                let response = catch_unwind(AssertUnwindSafe(|| request(&docs, req)))
                    .unwrap_or_else(|_| {
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "lrb failed on this request (a bug); the server goes on".into(),
                        )
                    });
                drop(docs);
                reply(connection, response);
            }
            Message::Notification(n) if n.method == Exit::METHOD => {
                clean = shut_down;
                break;
            }
            Message::Notification(n) => {
                let method = n.method.clone();
                let handled = catch_unwind(AssertUnwindSafe(|| {
                    notification(&documents, &scheduler, connection, n)
                }));
                if handled.is_err() {
                    diagnostics::log(
                        &connection.sender,
                        &format!("lrb failed on `{method}` (a bug)"),
                    );
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(scheduler);
    let _ = worker.join();
    Ok(clean)
}

fn reply(connection: &Connection, response: Response) {
    let _ = connection.sender.send(Message::Response(response));
}

fn notification(
    documents: &RwLock<Documents>,
    scheduler: &Scheduler,
    connection: &Connection,
    n: Notification,
) {
    let write = || {
        documents
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => {
            if let Ok(p) =
                n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
            {
                let uri = p.text_document.uri.clone();
                write().open(
                    p.text_document.uri,
                    p.text_document.text,
                    p.text_document.version,
                );
                scheduler.schedule(uri);
            }
        }
        DidChangeTextDocument::METHOD => {
            if let Ok(p) =
                n.extract::<lsp_types::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
            {
                let uri = p.text_document.uri.clone();
                write().change(
                    &p.text_document.uri,
                    p.text_document.version,
                    p.content_changes,
                );
                scheduler.schedule(uri);
            }
        }
        DidCloseTextDocument::METHOD => {
            if let Ok(p) =
                n.extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
            {
                let mut docs = write();
                docs.close(&p.text_document.uri);
                clear(connection, p.text_document.uri.clone());
                // The others of its set now read the file from disk.
                for uri in docs.uris() {
                    scheduler.schedule(uri.clone());
                }
            }
        }
        // Another file of a set changed on disk: check every open document again.
        DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
            for uri in diagnostics::read(documents).uris() {
                scheduler.schedule(uri.clone());
            }
        }
        _ => {}
    }
}

fn clear(connection: &Connection, uri: Uri) {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics: Vec::new(),
        version: None,
    };
    let _ = connection
        .sender
        .send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.into(),
            params,
        )));
}

/// Answers one request from the current text.
fn request(documents: &Documents, req: Request) -> Response {
    let id = req.id.clone();
    let result = match req.method.as_str() {
        HoverRequest::METHOD => on::<HoverRequest>(req, |p| {
            let at = p.text_document_position_params;
            let analysis = Analysis::of(documents, &at.text_document.uri);
            Ok(analysis.and_then(|a| hover::hover(&a, &at.text_document.uri, at.position)))
        }),
        GotoDefinition::METHOD => on::<GotoDefinition>(req, |p| {
            let at = p.text_document_position_params;
            let found = Analysis::of(documents, &at.text_document.uri)
                .map(|a| definition::definition(&a, &at.text_document.uri, at.position))
                .unwrap_or_default();
            Ok((!found.is_empty()).then_some(GotoDefinitionResponse::Array(found)))
        }),
        References::METHOD => on::<References>(req, |p| {
            let at = p.text_document_position;
            Ok(Analysis::of(documents, &at.text_document.uri).map(|a| {
                definition::references(
                    &a,
                    &at.text_document.uri,
                    at.position,
                    p.context.include_declaration,
                )
            }))
        }),
        Completion::METHOD => on::<Completion>(req, |p| {
            let at = p.text_document_position;
            let set = documents.runbook_set(&at.text_document.uri);
            let items = set
                .iter()
                .position(|m| m.uri == at.text_document.uri)
                .map(|current| {
                    let text = String::from_utf8_lossy(&set[current].text).into_owned();
                    let offset = LineIndex::new(&text).offset(at.position);
                    completion::complete(&set, current, offset)
                })
                .unwrap_or_default();
            Ok(Some(lsp_types::CompletionResponse::Array(items)))
        }),
        Formatting::METHOD => on::<Formatting>(req, |p| {
            let doc = documents
                .get(&p.text_document.uri)
                .ok_or_else(|| "the document is not open".to_string())?;
            formatting::format(&doc.text).map(Some)
        }),
        DocumentSymbolRequest::METHOD => on::<DocumentSymbolRequest>(req, |p| {
            let uri = p.text_document.uri;
            let Some(doc) = documents.get(&uri) else {
                return Ok(None);
            };
            let (ast, _) = crate::syntax::parse(&doc.text, crate::source::FileId(0));
            Ok(ast.map(|ast| DocumentSymbolResponse::Nested(symbols::outline(&ast, &doc.text))))
        }),
        CodeActionRequest::METHOD => on::<CodeActionRequest>(req, |p| {
            let actions = Analysis::of(documents, &p.text_document.uri)
                .map(|a| code_action::actions(&a, &p.text_document.uri, p.range))
                .unwrap_or_default();
            Ok(Some(
                actions
                    .into_iter()
                    .map(lsp_types::CodeActionOrCommand::CodeAction)
                    .collect(),
            ))
        }),
        _ => Err((
            ErrorCode::MethodNotFound,
            format!("lrb does not handle `{}`", req.method),
        )),
    };
    match result {
        Ok(value) => Response {
            id,
            response_result: Ok(value),
        },
        Err((code, message)) => Response::new_err(id, code as i32, message),
    }
}

/// Decodes the params of request `R`, runs `f`, and encodes its answer; `f`'s error refuses
/// the request with that message.
fn on<R: lsp_types::request::Request>(
    req: Request,
    f: impl FnOnce(R::Params) -> Result<R::Result, String>,
) -> Result<serde_json::Value, (ErrorCode, String)> {
    let params: R::Params = serde_json::from_value(req.params).map_err(|e| {
        (
            ErrorCode::InvalidParams,
            format!("bad params for `{}`: {e}", R::METHOD),
        )
    })?;
    let result = f(params).map_err(|m| (ErrorCode::RequestFailed, m))?;
    serde_json::to_value(result).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
