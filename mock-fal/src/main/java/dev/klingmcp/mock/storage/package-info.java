/**
 * fal storage, offline: the @fal-ai/client 1.10.1 presigned flow (single PUT, and 10 MiB multipart parts answering
 * {@code {partNumber, etag}} then {@code complete}), the Python client's token flow, and the public file route. Upload
 * bodies are streamed to disk with back-pressure and parts joined with {@code transferTo}, so no upload is ever held in
 * memory; a configurable size cap (default 1 GiB) answers 413.
 *
 * <h2>Wiring (one line each)</h2>
 * <pre>{@code
 * StorageService storage = new StorageService(vertx, StorageOptions.defaults(storageDir.resolve("uploads")), base::get);
 * StorageRoutes.mount(router, storage, auth::refusal);     // or mount(router, storage) for no key check
 * storage.reset();                                         // control API reset; storage.files() lists finished files
 * }</pre>
 * Routes: key-checked {@code POST /storage/upload/initiate}, {@code POST /storage/upload/initiate-multipart},
 * {@code POST /storage/auth/token}; public (own signature / bearer token) {@code PUT /cdn/upload/{id}?signature=},
 * {@code PUT /cdn/multipart/{id}/{n}?signature=}, {@code POST /cdn/multipart/{id}/complete?signature=},
 * {@code POST /cdn/files/upload}, {@code GET|HEAD /cdn/files/{id}/{name}}.
 * Mount before any router-wide {@code BodyHandler} (one that runs first makes uploads buffer in memory; they still work).
 * Storage faults: install them for {@code /storage/*}, {@code /cdn/upload/*}, {@code /cdn/multipart/*} and
 * {@code /cdn/files/upload} before mounting. Errors are {@code {"detail": "…"}} (404 unknown upload, 403 bad signature,
 * 400 missing part / wrong etag / bad part number, 401 token, 413 too large) or a FastAPI-style 422 list for bad JSON.
 */
package dev.klingmcp.mock.storage;
