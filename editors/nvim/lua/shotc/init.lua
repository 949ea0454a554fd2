-- Neovim setup for shotc: the `shot` filetype's language server (`shotc lsp`).
--
--   require('shotc').setup({ cmd = { 'shotc', 'lsp' }, yaml = false })
--
-- Works on Neovim 0.7 (vim.lsp.start_client + buf_attach_client) and later (vim.lsp.start).
local M = {}

M.config = {
  -- The command that runs the server.
  cmd = { 'shotc', 'lsp' },
  -- Also attach to YAML files (YAML scenes); off by default, since not every YAML file is a scene.
  yaml = false,
}

local client_id = nil

local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  return vim.fn.fnamemodify(name, ':p:h')
end

-- Starts the server if needed and attaches it to `bufnr`.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local config = { name = 'shotc', cmd = M.config.cmd, root_dir = root_dir(bufnr) }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
    client_id = vim.lsp.start_client(config)
  end
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  return client_id
end

function M.setup(opts)
  M.config = vim.tbl_extend('force', M.config, opts or {})
  local patterns = { 'shot' }
  if M.config.yaml then
    table.insert(patterns, 'yaml')
  end
  local group = vim.api.nvim_create_augroup('shotc_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = patterns,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
end

return M
