" Vim syntax for shotc's .shot scene files. The groups follow the scopes of
" editors/vscode/syntaxes/shot.tmLanguage.json (named in the comments).
if exists('b:current_syntax')
  finish
endif

" comment.line.number-sign.shot: a line whose first non-blank is '#', or a trailing comment.
syntax match shotComment /^\s*#.*$/
syntax match shotTrailingComment /\s\zs#.*$/ contained

" keyword.control.import.shot / keyword.other.setting.shot
syntax match shotImport /^import\>/ nextgroup=shotValues skipwhite
syntax match shotSetting /^\(model\|duration\|aspect\)\>/ nextgroup=shotModel,shotDuration,shotAspect skipwhite
" constant.language.model.shot
syntax match shotModel /\<\(standard\|pro\)\>/ contained

" storage.type.declaration.shot and entity.name.type.reference.shot
syntax match shotDeclKeyword /^\(character\|prop\)\>/ nextgroup=shotDeclName skipwhite
syntax match shotImageKeyword /^\(image\|style\)\>/ nextgroup=shotImageName skipwhite
syntax match shotDeclName /\%(\h\|[^\x00-\x7f]\)\%(\w\|-\|[^\x00-\x7f]\)*/ contained
syntax match shotImageName /\%(\h\|[^\x00-\x7f]\)\%(\w\|-\|[^\x00-\x7f]\)*/ contained nextgroup=shotValues skipwhite

" variable.other.property.field.shot: the fields of a character or prop.
syntax match shotField /^\s\+\(front\|refs\)\>/ nextgroup=shotValues skipwhite
syntax match shotNoteField /^\s\+note\>/ nextgroup=shotNote skipwhite
" string.unquoted.note.shot
syntax match shotNote /.*$/ contained contains=NONE

" Values: string.quoted.double.shot, markup.underline.link.shot, string.unquoted.path.shot
syntax region shotValues start=/\S/ end=/$/ contained oneline contains=shotString,shotUrl,shotTrailingComment,shotPath
syntax region shotString start=/"/ skip=/\\[\\"]/ end=/"\|$/ contained oneline contains=shotEscape
syntax match shotEscape /\\[\\"]/ contained
" A URL wins over a path that starts at the same place (defined later).
syntax match shotPath /[^ \t,#"][^ \t,]*/ contained
syntax match shotUrl /\<\(https\?:\/\/\|data:\)[^ \t,#]\+/ contained

" keyword.other.shot.shot, entity.name.function.shot.shot, and the header's duration and aspect.
syntax match shotShotKeyword /^shot\>/ nextgroup=shotShotName skipwhite
syntax match shotShotName /\%(\h\|[^\x00-\x7f]\)\%(\w\|-\|[^\x00-\x7f]\)*/ contained nextgroup=shotDuration,shotAspect,shotTrailingComment skipwhite
" constant.numeric.duration.shot / constant.numeric.aspect-ratio.shot
syntax match shotDuration /\<\d\+s\=\>\ze\%(\s\|$\)/ contained nextgroup=shotAspect,shotTrailingComment skipwhite
syntax match shotAspect /\<\d\+:\d\+\>/ contained nextgroup=shotDuration,shotTrailingComment skipwhite

" constant.character.escape.at.shot and variable.other.mention.shot
syntax match shotAtEscape /@@/
syntax match shotMention /\%(\w\|@\|[^\x00-\x7f]\)\@1<!@\%(\h\|[^\x00-\x7f]\)\%(\w\|[^\x00-\x7f]\|-\+\%(\w\|[^\x00-\x7f]\)\)*/

highlight default link shotComment Comment
highlight default link shotTrailingComment Comment
highlight default link shotImport Include
highlight default link shotSetting Keyword
highlight default link shotModel Constant
highlight default link shotDeclKeyword StorageClass
highlight default link shotImageKeyword StorageClass
highlight default link shotDeclName Type
highlight default link shotImageName Type
highlight default link shotField Identifier
highlight default link shotNoteField Identifier
highlight default link shotNote String
highlight default link shotString String
highlight default link shotEscape SpecialChar
highlight default link shotUrl Underlined
highlight default link shotPath String
highlight default link shotShotKeyword Keyword
highlight default link shotShotName Function
highlight default link shotDuration Number
highlight default link shotAspect Number
highlight default link shotAtEscape SpecialChar
highlight default link shotMention Identifier

let b:current_syntax = 'shot'
