#!/usr/bin/env node
// Bot API emulator for the end-to-end test and the bot benchmark.
//
// Starts telegram-test-api 4.2.1 on 127.0.0.1 and mends, from here and without editing
// node_modules, the places where it differs from the Bot API in ways python-telegram-bot v22
// rejects or that make a benchmark meaningless:
//   1. getMe gains `is_bot` (PTB's User requires it), and answers a token of bot id 0 ("0:...")
//      with 401 Unauthorized, as Telegram answers a revoked token.
//   2. The Message that sendMessage returns has its `date` in seconds, not milliseconds.
//   3. Callback queries gain `chat_instance` (PTB's CallbackQuery requires it).
//   4. editMessageText / editMessageReplyMarkup return the edited Message, and deleteMessage /
//      answerCallbackQuery return true, where the package returns null.
// and adds what the real server has and the package lacks:
//   5. getUpdates honours `offset` and long-polls for `timeout` seconds (the package answers at
//      once, so a polling bot would spin a core), and is answered as soon as an update arrives.
//   6. A few methods a bot calls at start-up or while working (sendChatAction, setMyCommands, ...)
//      are accepted and answer true instead of failing as unknown.
//   7. setWebhook and deleteWebhook are recorded, and do not make the package POST updates itself
//      (it would send no secret token and never retry): the client delivers them to a webhook bot.
// plus client routes of our own:
//   POST /getWebhookCalls {token} lists the setWebhook/deleteWebhook calls, oldest first.
//   POST /waitBotMessages {token, chatId?, afterUpdateId?, timeout?} long-polls until the bot
//   has sent a message (to that chat) with updateId > afterUpdateId, so simulated users can wait
//   for their answer without hammering /getUpdatesHistory.
//
// Usage: node emulator.js [--port N] [--exit-with-stdin]
//   --port 0 (the default) lets the system pick a free port. When listening it prints one line
//   `READY http://127.0.0.1:<port>` on stdout. --exit-with-stdin ends the process when its stdin
//   closes, so it never outlives the test or benchmark that started it.
'use strict';

const http = require('http');
const TelegramServer = require('telegram-test-api');
const { routes } = require('telegram-test-api/lib/routes/index');
const { handle } = require('telegram-test-api/lib/routes/bot/utils');

const HOST = '127.0.0.1';
const BOT_ID = 666;
const BOT_USERNAME = 'TanyaBpjsTestBot';
const MAX_POLL_SECONDS = 50;
const REVOKED_TOKEN_PREFIX = '0:'; // getMe answers such a token 401, as Telegram answers a revoked one
const NOOP_METHODS = [
  'sendChatAction',
  'setMyCommands',
  'deleteMyCommands',
  'setMyDescription',
  'setMyShortDescription',
  'setChatMenuButton',
];

function parseArgs(argv) {
  const opts = { port: Number(process.env.EMULATOR_PORT || 0), exitWithStdin: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') {
      opts.port = Number(argv[++i]);
    } else if (argv[i] === '--exit-with-stdin') {
      opts.exitWithStdin = true;
    } else {
      throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error('--port must be an integer between 0 and 65535');
  }
  return opts;
}

const seconds = (millis) => Math.floor(millis / 1000);

// Builds the Message the Bot API returns for a message the bot sent (stored raw by the package).
function botMessageView(stored) {
  const { message } = stored;
  const view = {
    message_id: stored.messageId,
    date: seconds(stored.time),
    chat: { id: Number(message.chat_id), type: 'private', first_name: 'User' },
    from: { id: BOT_ID, is_bot: true, first_name: 'Tanya BPJS', username: BOT_USERNAME },
    text: message.text,
  };
  if (message.reply_markup && 'inline_keyboard' in message.reply_markup) {
    view.reply_markup = message.reply_markup;
  }
  if (stored.editedAt) {
    view.edit_date = seconds(stored.editedAt);
  }
  return view;
}

function findBotMessage(server, body) {
  return server.storage.botMessages.find((u) => (
    String(u.messageId) === String(body.message_id)
    && String(u.message.chat_id) === String(body.chat_id)));
}

// Mends 1: getMe describes a bot.
function getMe(app) {
  handle(app, '/bot:token/getMe', (req, res) => {
    if (req.params.token.startsWith(REVOKED_TOKEN_PREFIX)) {
      res.status(401).json({ ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    res.sendResult({
      ok: true,
      result: {
        id: BOT_ID,
        is_bot: true,
        first_name: 'Tanya BPJS',
        username: BOT_USERNAME,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      },
    });
  });
}

// Mends 2: the returned Message has its date in seconds and says who sent it.
function sendMessage(app, server) {
  handle(app, '/bot:token/sendMessage', (req, res) => {
    server.addBotMessage(req.body, req.params.token);
    const stored = server.storage.botMessages[server.storage.botMessages.length - 1];
    res.sendResult({ ok: true, result: botMessageView(stored) });
  });
}

// Mends 4: edits answer with the edited Message, or the Bot API's error when there is none.
// As on Telegram, the edit replaces all the fields it may carry: an edit without reply_markup
// removes the inline keyboard, one without parse_mode leaves plain text.
function editRoute(method, fields) {
  return (app, server) => {
    handle(app, `/bot:token/${method}`, (req, res) => {
      const stored = findBotMessage(server, req.body);
      if (!stored) {
        res.status(400).json({
          ok: false, error_code: 400, description: 'Bad Request: message to edit not found',
        });
        return;
      }
      const edit = TelegramServer.normalizeMessage({ ...req.body });
      const message = { ...stored.message };
      for (const field of fields) {
        delete message[field];
        if (edit[field] !== undefined) message[field] = edit[field];
      }
      stored.message = message;
      stored.editedAt = Date.now();
      res.sendResult({ ok: true, result: botMessageView(stored) });
    });
  };
}

// Mends 4: deleteMessage answers true; the package's own check of chat and message ids is kept.
function deleteMessage(app, server) {
  handle(app, '/bot:token/deleteMessage', (req, res) => {
    const deleted = server.deleteMessage(Number(req.body.chat_id), Number(req.body.message_id));
    if (!deleted) {
      res.status(400).json({
        ok: false, error_code: 400, description: 'Bad Request: message to delete not found',
      });
      return;
    }
    res.sendResult({ ok: true, result: true });
  });
}

// Mends 4: answerCallbackQuery answers true and keeps what was answered, for tests to read.
function answerCallbackQuery(app, server) {
  handle(app, '/bot:token/answerCallbackQuery', (req, res) => {
    server.callbackAnswers.push({ time: Date.now(), botToken: req.params.token, ...req.body });
    res.sendResult({ ok: true, result: true });
  });
}

// Adds 5: getUpdates with offset confirmation and long polling, as the Bot API does.
function getUpdates(app, server) {
  handle(app, '/bot:token/getUpdates', (req, res) => {
    const token = req.params.token;
    const params = { ...req.query, ...req.body };
    const offset = params.offset === undefined ? undefined : Number(params.offset);
    const timeout = Math.min(Number(params.timeout || 0), MAX_POLL_SECONDS);
    const limit = Math.min(Number(params.limit || 100), 100);
    const pending = () => {
      const mine = server.storage.userMessages.filter((u) => u.botToken === token && !u.isRead);
      if (offset !== undefined && offset > 0) {
        mine.filter((u) => u.updateId < offset).forEach((u) => { u.isRead = true; });
      }
      return mine.filter((u) => !u.isRead).slice(0, limit);
    };
    const reply = () => res.sendResult({ ok: true, result: pending().map(TelegramServer.formatUpdate) });
    if (pending().length > 0 || timeout <= 0) {
      reply();
      return;
    }
    waitFor(server, ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'],
      () => pending().length > 0, timeout * 1000, res, reply);
  });
}

// Adds 6: methods that change nothing the emulator shows, accepted as the Bot API accepts them.
function noopMethods(app) {
  for (const method of NOOP_METHODS) {
    handle(app, `/bot:token/${method}`, (_req, res) => res.sendResult({ ok: true, result: true }));
  }
}

// Mends 7: webhook registration is recorded, and updates stay with the client (which POSTs them
// to the bot's webhook as Telegram would, with the secret-token header).
function webhookRoute(method) {
  return (app, server) => {
    handle(app, `/bot:token/${method}`, (req, res) => {
      server.webhookCalls.push({ time: Date.now(), method, botToken: req.params.token, ...req.query, ...req.body });
      res.sendResult({ ok: true, result: true });
    });
  };
}

// Client route: the setWebhook/deleteWebhook calls of a bot, oldest first.
function getWebhookCalls(app, server) {
  app.post('/getWebhookCalls', (req, res) => {
    res.sendResult({ ok: true, result: server.webhookCalls.filter((c) => c.botToken === req.body.token) });
  });
}

// Client route: wait for a message from the bot newer than afterUpdateId.
function waitBotMessages(app, server) {
  app.post('/waitBotMessages', (req, res) => {
    const { token } = req.body;
    const chatId = req.body.chatId === undefined ? undefined : String(req.body.chatId);
    const after = Number(req.body.afterUpdateId || 0);
    const timeout = Math.min(Number(req.body.timeout || 10), MAX_POLL_SECONDS);
    const found = () => server.storage.botMessages.filter((u) => (
      u.botToken === token && u.updateId > after
      && (chatId === undefined || String(u.message.chat_id) === chatId)));
    const reply = () => res.sendResult({ ok: true, result: found() });
    if (found().length > 0) {
      reply();
      return;
    }
    waitFor(server, ['AddedBotMessage'], () => found().length > 0, timeout * 1000, res, reply);
  });
}

// Client route: the callback answers the bot gave (answerCallbackQuery), oldest first.
function getCallbackAnswers(app, server) {
  app.post('/getCallbackAnswers', (req, res) => {
    const result = server.callbackAnswers.filter((a) => a.botToken === req.body.token);
    res.sendResult({ ok: true, result });
  });
}

// Calls reply() once ready() holds after one of the events, or when the timeout passes.
function waitFor(server, events, ready, timeoutMs, res, reply) {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    events.forEach((e) => server.off(e, onEvent));
    reply();
  };
  const onEvent = () => { if (ready()) finish(); };
  const timer = setTimeout(finish, timeoutMs);
  events.forEach((e) => server.on(e, onEvent));
  res.on('close', () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    events.forEach((e) => server.off(e, onEvent));
  });
}

// Mends 3: callback queries carry chat_instance (derived from the chat, stable like Telegram's).
const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = (update) => {
  const formatted = formatUpdate(update);
  if (formatted.callback_query) {
    const chat = formatted.callback_query.message && formatted.callback_query.message.chat;
    formatted.callback_query.chat_instance = String(chat ? chat.id : formatted.callback_query.from.id);
  }
  return formatted;
};

// The package registers routes in array order and the first match answers, so ours replace
// the originals in place; the extra ones go before the catch-all unknownMethod route.
const replacements = new Map([
  [require('telegram-test-api/lib/routes/bot/getMe').getMe, getMe],
  [require('telegram-test-api/lib/routes/bot/sendMessage').sendMessage, sendMessage],
  [require('telegram-test-api/lib/routes/bot/editMessageText').editMessageText,
    editRoute('editMessageText', ['text', 'parse_mode', 'entities', 'link_preview_options', 'reply_markup'])],
  [require('telegram-test-api/lib/routes/bot/editMessageReplyMarkup').editMessageReplyMarkup,
    editRoute('editMessageReplyMarkup', ['reply_markup'])],
  [require('telegram-test-api/lib/routes/bot/deleteMessage').deleteMessage, deleteMessage],
  [require('telegram-test-api/lib/routes/bot/answerCallbackQuery').answerCallbackQuery,
    answerCallbackQuery],
  [require('telegram-test-api/lib/routes/bot/getUpdates').getUpdates, getUpdates],
  [require('telegram-test-api/lib/routes/bot/setWebhook').setWebhook, webhookRoute('setWebhook')],
  [require('telegram-test-api/lib/routes/bot/deleteWebhook').deleteWebhook, webhookRoute('deleteWebhook')],
]);
const unknownMethod = require('telegram-test-api/lib/routes/bot/unknownMethod').unknownMethod;
for (const [original, mended] of replacements) {
  const at = routes.indexOf(original);
  if (at < 0) throw new Error(`telegram-test-api changed: route ${original.name} not found`);
  routes[at] = mended;
}
routes.splice(routes.indexOf(unknownMethod), 0, noopMethods, waitBotMessages, getCallbackAnswers, getWebhookCalls);

function main() {
  const opts = parseArgs(process.argv.slice(2));
  // storeTimeout (seconds) is how long the package keeps messages; a benchmark reads them all.
  const server = new TelegramServer({ host: HOST, storeTimeout: 24 * 3600 });
  server.callbackAnswers = [];
  server.webhookCalls = [];
  server.setMaxListeners(0);
  const listener = http.createServer(server.webServer);
  listener.keepAliveTimeout = 65 * 1000;
  listener.listen(opts.port, HOST, () => {
    server.started = true;
    process.stdout.write(`READY http://${HOST}:${listener.address().port}\n`);
  });
  const stop = () => {
    listener.close();
    listener.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (opts.exitWithStdin) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}

main();
