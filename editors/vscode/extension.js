// VS Code client for `shotc lsp`: starts the server for .shot files and for the YAML files the
// `shotc.yamlScenes` setting names.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('shotc');
  const command = config.get('path', 'shotc');
  const debounce = String(config.get('debounceMs', 100));
  const serverOptions = {
    command,
    args: ['lsp', '--debounce-ms', debounce],
    transport: TransportKind.stdio,
  };
  const documentSelector = [{ scheme: 'file', language: 'shot' }];
  for (const pattern of config.get('yamlScenes', ['**/*.shot.yaml'])) {
    documentSelector.push({ scheme: 'file', language: 'yaml', pattern });
  }
  client = new LanguageClient('shotc', 'shotc', serverOptions, { documentSelector });
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
