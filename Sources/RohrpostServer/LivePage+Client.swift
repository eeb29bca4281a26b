extension LivePage {
    /// `/rohrpost.js`: a small rohrpost client. One WebSocket; requests matched to replies
    /// by id; a ping every 20 s (the relay closes idle connections); on close it reconnects
    /// with backoff and subscribes again with `since`, the last event id each group saw, so
    /// the relay replays what was missed.
    static let clientScript = #"""
        "use strict";

        class RohrpostClient {
          constructor(url, { token, onState } = {}) {
            this.url = url;
            this.token = token;
            this.onState = onState || (() => {});
            this.nextId = 1;
            this.replies = new Map();       // request id -> callback
            this.subscriptions = [];        // { data, listener, group, since }
            this.backoff = 250;
            this.connect();
          }

          connect() {
            const socket = new WebSocket(this.url);
            this.socket = socket;
            socket.onopen = () => {
              this.backoff = 250;
              this.onState("connected");
              this.subscriptions.forEach((subscription) => this.sendSubscribe(subscription));
              this.pinger = setInterval(() => this.request("ping"), 20000);
            };
            socket.onmessage = (message) => this.receive(JSON.parse(message.data));
            socket.onclose = (event) => {
              clearInterval(this.pinger);
              this.replies.clear();
              this.onState("disconnected", event.code);
              setTimeout(() => this.connect(), this.backoff);
              this.backoff = Math.min(this.backoff * 2, 5000);
            };
          }

          /// Sends a request; `callback(reply)` gets its reply.
          request(type, data, callback) {
            if (this.socket.readyState !== WebSocket.OPEN) return;
            const message = { id: this.nextId++, type };
            if (data !== undefined) message.data = data;
            if (this.token) message.auth_jwt = this.token;
            if (callback) this.replies.set(message.id, callback);
            this.socket.send(JSON.stringify(message));
          }

          /// Subscribes to the group `data` names ({type, id}); `listener(kind, object, event)`
          /// gets each change; `onReply(reply)` each subscribe reply (after every reconnect).
          /// With `since`, the first subscribe already resumes after that position.
          subscribe(data, listener, onReply, since = null) {
            const subscription = { data, listener, onReply, group: null, since };
            this.subscriptions.push(subscription);
            this.sendSubscribe(subscription);
          }

          sendSubscribe(subscription) {
            const data = Object.assign({}, subscription.data);
            if (subscription.since !== null) data.since = subscription.since;
            this.request("subscribe", data, (reply) => {
              if (reply.data) subscription.group = reply.data.group;
              if (subscription.onReply) subscription.onReply(reply);
            });
          }

          receive(message) {
            if (message.type === "subscription-update" && message.data) {
              for (const subscription of this.subscriptions) {
                if (subscription.group !== message.data.group) continue;
                subscription.since = message.id;
                subscription.listener(message.data.type, message.data.object, message);
              }
              return;
            }
            const callback = this.replies.get(message.id);
            if (callback) {
              this.replies.delete(message.id);
              callback(message);
            }
          }
        }

        """#
}
