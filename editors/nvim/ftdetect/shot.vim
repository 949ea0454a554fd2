" shotc scene files.
autocmd BufRead,BufNewFile *.shot setfiletype shot
