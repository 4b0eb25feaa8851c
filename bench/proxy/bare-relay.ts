/**
 * The floor of bench/proxy: the smallest NestJS + Express app on the gateway's stack, run in its
 * own process. `POST /fixed` answers a canned Gemini response; `POST /relay` forwards the body to
 * the fake upstream with undici over one keep-alive pool and returns the unwrapped answer — no
 * auth, credentials, translation or bookkeeping. PORT and UPSTREAM come from the environment.
 */
import 'reflect-metadata';
import type { ServerResponse } from 'node:http';
import { Body, Controller, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Agent, request } from 'undici';

const agent = new Agent({ keepAliveTimeout: 60_000 });
const canned = JSON.stringify({
  candidates: [
    { content: { role: 'model', parts: [{ text: 'x'.repeat(200) }] }, finishReason: 'STOP' },
  ],
});

function send(res: ServerResponse, body: string) {
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json');
  res.end(body);
}

@Controller()
class BareController {
  @Post('fixed')
  fixed(@Res() res: ServerResponse) {
    send(res, canned);
  }

  @Post('relay')
  async relay(@Body() body: unknown, @Res() res: ServerResponse) {
    const answer = await request(`${process.env.UPSTREAM}/v1internal:generateContent`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: 'Bearer tok0' },
      body: JSON.stringify({ model: 'gemini-2.5-pro', project: 'p0', request: body }),
    });
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      res.statusCode = 502;
      return res.end();
    }
    const json = (await answer.body.json()) as { response: unknown };
    send(res, JSON.stringify(json.response));
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

void NestFactory.create(BareModule, { logger: false })
  .then((app) => app.listen(Number(process.env.PORT), '127.0.0.1'))
  .then(() => process.stdout.write(`ready on ${process.env.PORT}\n`));
