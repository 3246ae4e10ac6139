-- Neovim's built-in LSP client against `lrb lsp`: open a runbook, wait for its diagnostics,
-- format it through the server, write what Neovim received to $OUT as JSON, and quit.
-- Uses only API that Neovim 0.7 (Debian 12) through 0.10 share.

local function run()
  local file = os.getenv("RUNBOOK")
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = "lrb",
    cmd = { os.getenv("LRB"), "lsp" },
    root_dir = vim.fn.fnamemodify(file, ":h"),
  })
  assert(id, "the client did not start")
  vim.lsp.buf_attach_client(buf, id)
  assert(vim.wait(30000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 20), "no diagnostics within 30 s")
  local received = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(received, {
      code = d.code or lsp.code,
      lnum = d.lnum,
      col = d.col,
      message = d.message,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
    })
  end
  local client = vim.lsp.get_client_by_id(id)
  local params = vim.lsp.util.make_formatting_params({})
  local answer = client.request_sync("textDocument/formatting", params, 30000, buf)
  assert(answer and not answer.err, "formatting failed: " .. vim.inspect(answer))
  vim.lsp.util.apply_text_edits(answer.result, buf, "utf-16")
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  client.stop()
  assert(vim.wait(10000, function()
    return client.is_stopped()
  end, 20), "the server did not stop")
  local out = assert(io.open(os.getenv("OUT"), "w"))
  out:write(vim.fn.json_encode({ diagnostics = received, formatted = table.concat(lines, "\n") .. "\n" }))
  out:close()
end

local ok, err = pcall(run)
if ok then
  vim.cmd("qall!")
else
  io.stderr:write(tostring(err) .. "\n")
  vim.cmd("cquit! 1")
end
