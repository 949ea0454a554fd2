-- A minimal Neovim configuration using editors/nvim: `nvim -u editors/nvim/init.lua scene.shot`.
-- To use it from your own config instead, add this folder to 'runtimepath' and call
-- require('shotc').setup().
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
vim.opt.runtimepath:prepend(here)
vim.cmd('filetype plugin on')
vim.cmd('syntax on')
-- SHOTC may name the shotc binary to run (tests use the freshly built one).
local shotc = os.getenv('SHOTC') or 'shotc'
require('shotc').setup({ cmd = { shotc, 'lsp' }, yaml = os.getenv('SHOTC_YAML') == '1' })
-- ftdetect files are read when filetype detection is switched on; do it after 'runtimepath' is set.
vim.cmd('runtime ftdetect/shot.vim')
