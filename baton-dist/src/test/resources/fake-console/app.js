// The fake console: a login form, then a navigation and a cluster page of two nodes with a switch-over action.
const ROUTES = ['cluster', 'services', 'waiting', 'quarantine', 'logs', 'alerts', 'audit', 'lineage', 'charts'];
const root = document.getElementById('root');
const nodes = [{ id: 'node-a', role: 'active' }, { id: 'node-b', role: 'passive' }];
let epoch = 1;
let user = null;

function showLogin(error) {
  root.innerHTML = `<form id="login"><input id="login-user"><input id="login-password" type="password">
    <button id="login-submit" type="submit">Log in</button><p id="login-error">${error}</p></form>`;
  document.getElementById('login').addEventListener('submit', async event => {
    event.preventDefault();
    const name = document.getElementById('login-user').value;
    const response = await fetch('api/login', { method: 'POST', body: name + ':' + document.getElementById('login-password').value });
    if (response.ok) {
      user = name;
      showShell();
    } else {
      showLogin('Wrong user name or password.');
    }
  });
}

function showShell() {
  document.body.innerHTML = `<nav id="nav">${ROUTES.map(r => `<a href="#/${r}">${r}</a>`).join('')}
    <span id="whoami">${user}</span></nav><div><p id="flash"></p><main id="page"></main></div>`;
  window.addEventListener('hashchange', render);
  render();
}

// Renders the route after a delay, as a real page waits for its data, then marks the page ready.
function render() {
  const page = document.getElementById('page');
  const route = location.hash.replace('#/', '') || 'cluster';
  page.removeAttribute('data-ready');
  page.innerHTML = '<p>Loading…</p>';
  setTimeout(() => {
    if (route === 'cluster') {
      page.innerHTML = `<p>Active: <span id="active-node">${nodes.find(n => n.role === 'active').id}</span>
        epoch <span id="epoch">${epoch}</span></p><table data-table="nodes">${nodes.map(n =>
        `<tr data-id="${n.id}" data-role="${n.role}"><td>${n.id}</td><td>${n.role}</td>
         <td><button data-action="switchover">Switch over here</button></td></tr>`).join('')}</table>`;
      page.querySelectorAll('[data-action="switchover"]').forEach(b => b.addEventListener('click', switchOver));
    } else {
      page.innerHTML = `<h1>${route}</h1>`;
    }
    page.dataset.ready = route;
  }, 300);
}

function switchOver(event) {
  const target = event.target.closest('[data-id]').dataset.id;
  if (!confirm(`Switch over to ${target}?`)) {
    return;
  }
  const flash = document.getElementById('flash');
  if (nodes.find(n => n.id === target).role === 'active') {
    flash.textContent = `${target} is already the active node.`;
    flash.className = 'error';
    return;
  }
  nodes.forEach(n => { n.role = n.id === target ? 'active' : 'passive'; });
  epoch++;
  flash.textContent = `Switched over to ${target}.`;
  render();
}

showLogin('');
