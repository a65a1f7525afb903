/**
 * The selected queue's groups (tenants): each named group's ready, scheduled and running jobs and
 * its weight, by name, with a bar of its waiting jobs against the busiest group's so the tenant
 * holding the queue stands out at a glance. Shown only for a queue that has groups.
 * @module
 */
import { html } from './html.js';
import type { GroupCounts } from './types.js';

/** A bar of `value` against `most`, labelled with the number it shows. */
function WaitingBar({ group }: { group: GroupCounts & { most: number } }) {
  const waiting = group.ready + group.scheduled;
  const share = group.most === 0 ? 0 : waiting / group.most;
  return html`
    <div class="group-bar" role="img" aria-label=${`${waiting} waiting`}>
      <span style=${{ width: `${Math.round(share * 100)}%` }}></span>
    </div>
  `;
}

/** The groups table; `more` says the handler's page was cut. */
export function GroupsTable({ groups, more }: { groups: GroupCounts[]; more: boolean }) {
  const most = Math.max(0, ...groups.map((g) => g.ready + g.scheduled));
  return html`
    <table class="groups">
      <thead>
        <tr>
          <th scope="col">Group</th>
          <th scope="col" class="num">Ready</th>
          <th scope="col" class="num">Scheduled</th>
          <th scope="col" class="num">Running</th>
          <th scope="col" class="num">Weight</th>
          <th scope="col"><span class="visually-hidden">Waiting, against the busiest group</span></th>
        </tr>
      </thead>
      <tbody>
        ${groups.map(
          (g) => html`
            <tr key=${g.group} data-group=${g.group}>
              <th scope="row">${g.group}</th>
              <td class="num">${g.ready}</td>
              <td class="num">${g.scheduled}</td>
              <td class="num">${g.running}</td>
              <td class="num">${g.weight}</td>
              <td><${WaitingBar} group=${{ ...g, most }} /></td>
            </tr>
          `,
        )}
      </tbody>
    </table>
    ${more ? html`<p class="muted small">Showing the first ${groups.length} groups by name.</p>` : null}
  `;
}
