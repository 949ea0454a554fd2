-- End-to-end test of editors/nvim with `shotc lsp` in a real Neovim (0.7 or later), run by
-- scripts/nvim-test.sh on a scratch copy of examples/greenhouse. Prints each check and
-- "N passed, N failed"; exits non-zero on a failure.
local passed, failed = 0, 0
local function check(label, ok, detail)
  if ok then
    passed = passed + 1
    io.stdout:write('ok   ' .. label .. '\n')
  else
    failed = failed + 1
    io.stdout:write('FAIL ' .. label .. (detail and (': ' .. vim.inspect(detail)) or '') .. '\n')
  end
end

local function finish()
  io.stdout:write(string.format('%d passed, %d failed\n', passed, failed))
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(buf)
  local folder = vim.fn.fnamemodify(path, ':h')
  check('filetype is shot', vim.bo[buf].filetype == 'shot', vim.bo[buf].filetype)

  -- The syntax groups Neovim assigns (editors/nvim/syntax/shot.vim).
  local function group(line, col) return vim.fn.synIDattr(vim.fn.synID(line, col, 1), 'name') end
  check('syntax: comment', group(1, 1) == 'shotComment', group(1, 1))
  check('syntax: import keyword', group(2, 1) == 'shotImport', group(2, 1))
  check('syntax: character keyword', group(8, 1) == 'shotDeclKeyword', group(8, 1))
  check('syntax: shot duration', group(16, 14) == 'shotDuration', group(16, 14))
  check('syntax: mention', group(17, 9) == 'shotMention', group(17, 9))
  check('syntax: url', group(14, 14) == 'shotUrl', group(14, 14))

  -- The server starts and attaches.
  local client
  vim.wait(10000, function()
    for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
      if c.name == 'shotc' and c.server_capabilities and c.server_capabilities.hoverProvider then
        client = c
        return true
      end
    end
    return false
  end, 20)
  check('server attached', client ~= nil)
  if not client then return end

  local function request(method, params)
    local responses = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
    for _, response in pairs(responses) do
      return response.result, response.error
    end
  end
  local function at(line, character)
    return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
  end
  local function find(needle)
    for number, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
      local column = line:find(needle, 1, true)
      if column then return number - 1, column - 1 end
    end
  end

  -- A clean scene has no diagnostics.
  vim.wait(1000, function() return false end, 50)
  check('no diagnostics at first', #vim.diagnostic.get(buf) == 0, vim.diagnostic.get(buf))

  -- A typo: @mara -> @mra in shot orbit (a non-ASCII word before it checks UTF-16 columns).
  local line = find('A slow 180-degree orbit around @mara')
  vim.api.nvim_buf_set_lines(buf, line, line + 1, false, { '  A slow 180° orbit around @mra, @ghibli palette.' })
  local diagnostics = {}
  vim.wait(10000, function()
    diagnostics = vim.diagnostic.get(buf)
    return #diagnostics > 0
  end, 20)
  local d = diagnostics[1] or {}
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  check('one diagnostic for the typo', #diagnostics == 1, diagnostics)
  check('diagnostic code E0101', code == 'E0101', code)
  check('diagnostic line', d.lnum == line, { d.lnum, line })
  -- "  A slow 180° orbit around " is 26 UTF-16 units (° is one unit, two bytes).
  local byte_col = #'  A slow 180° orbit around '
  check('diagnostic column', d.col == byte_col, { d.col, byte_col })
  check('diagnostic message', (d.message or ''):find("unknown reference '@mra'", 1, true) ~= nil, d.message)

  -- The quick fix from the fix-it, applied by Neovim.
  local actions = request('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = line, character = 26 }, ['end'] = { line = line, character = 30 } },
    context = { diagnostics = { d.user_data and d.user_data.lsp or {} } },
  }) or {}
  check('a code action', #actions >= 1 and actions[1].title == "replace with '@mara'", actions)
  if actions[1] then vim.lsp.util.apply_workspace_edit(actions[1].edit, 'utf-16') end
  check('the fix is in the buffer', vim.api.nvim_buf_get_lines(buf, line, line + 1, false)[1]:find('@mara,', 1, true) ~= nil)
  vim.wait(10000, function() return #vim.diagnostic.get(buf) == 0 end, 20)
  check('diagnostics cleared', #vim.diagnostic.get(buf) == 0, vim.diagnostic.get(buf))

  -- Completion after '@'.
  local l, c = find('@mara, @ghibli')
  local completion = request('textDocument/completion', at(l, c + 1)) or {}
  local labels = {}
  for _, item in ipairs(completion.items or completion) do labels[item.label] = item.detail end
  check('completion offers mara', labels.mara ~= nil, labels)
  check('completion offers the imported stone', labels.stone == 'prop · cast.shot:2', labels)

  -- Hover on a mention.
  local hover = request('textDocument/hover', at(l, c + 2)) or {}
  local value = hover.contents and hover.contents.value or ''
  check('hover names the token', value:find('`@mara` → `@Element1` in shot `orbit`', 1, true) ~= nil, value)

  -- Definition into the imported cast.
  local sl, sc = find('@stone')
  local definition = request('textDocument/definition', at(sl, sc + 2))
  local location = definition and (definition.uri and definition or definition[1])
  check('definition in cast.shot', location and location.uri:sub(-9) == 'cast.shot', definition)
  if location then
    vim.lsp.util.jump_to_location(location, 'utf-16')
    check('jumped to cast.shot line 2', vim.api.nvim_buf_get_name(0):sub(-9) == 'cast.shot' and vim.api.nvim_win_get_cursor(0)[1] == 2,
      { vim.api.nvim_buf_get_name(0), vim.api.nvim_win_get_cursor(0) })
    vim.api.nvim_set_current_buf(buf)
  end

  -- Rename across two files, then write everything and read the files back.
  local edit, rename_error = request('textDocument/rename', vim.tbl_extend('force', at(sl, sc + 2), { newName = 'pebble' }))
  check('rename answered', edit ~= nil, rename_error)
  if edit then vim.lsp.util.apply_workspace_edit(edit, 'utf-16') end
  vim.cmd('silent wall')
  local scene = table.concat(vim.fn.readfile(folder .. '/greenhouse.shot'), '\n')
  local cast = table.concat(vim.fn.readfile(folder .. '/cast.shot'), '\n')
  check('scene on disk mentions @pebble', scene:find('@pebble', 1, true) ~= nil and scene:find('@stone', 1, true) == nil)
  check('cast on disk declares pebble', cast:find('prop pebble', 1, true) ~= nil and cast:find('prop stone', 1, true) == nil, cast)
  vim.wait(500, function() return false end, 50)
  check('no diagnostics after the rename', #vim.diagnostic.get(buf) == 0, vim.diagnostic.get(buf))

  -- A refused rename (a collision) is reported, nothing changes.
  local _, collision = request('textDocument/rename', vim.tbl_extend('force', at(sl, sc + 2), { newName = 'mara' }))
  check('collision refused', collision ~= nil and (collision.message or ''):find('already declared', 1, true) ~= nil, collision)
end)
if not ok then check('no Lua error', false, err) end
finish()
