// The storyboard page's inline CSS and JS: no framework, nothing fetched.
extension BoardPage {
    /// The page's style: light and dark by `prefers-color-scheme`, one column on a phone.
    static let css = """
        :root{color-scheme:light dark;--bg:#f4f3ef;--fg:#1c1c1e;--muted:#66656b;--card:#fff;--line:#dcdad4;--frame:#e9e7e1;
        --cl:34%;--cb:91%;--ok:#2e7d32;--stale:#b26a00;--sub:#1565c0;--fail:#c62828;--new:#8a8a8f;--held:#6a3fb5}
        @media (prefers-color-scheme:dark){:root{--bg:#131316;--fg:#e9e9ec;--muted:#a2a1a8;--card:#1d1d22;--line:#34343b;--frame:#0b0b0d;
        --cl:78%;--cb:24%;--ok:#66bb6a;--stale:#ffb74d;--sub:#64b5f6;--fail:#ef5350;--new:#8d8d94;--held:#b39ddb}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        h1,h2{margin:0;font-weight:650}
        .top{padding:14px 20px 10px;border-bottom:1px solid var(--line);background:var(--card)}
        .title{display:flex;align-items:center;gap:16px;flex-wrap:wrap}
        h1{font-size:22px;word-break:break-all}
        .play{font:inherit;font-weight:600;padding:6px 14px;border-radius:8px;border:1px solid var(--line);background:var(--fg);color:var(--bg);cursor:pointer}
        .play:disabled{opacity:.4;cursor:default}
        .facts{display:flex;flex-wrap:wrap;gap:6px 26px;margin:10px 0 0}
        .facts div{display:flex;flex-direction:column}
        .facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
        .facts dd{margin:0;font-weight:600}
        .diagnostics{margin:14px 20px 0;padding:10px 14px;border-radius:10px;border:1px solid var(--fail);background:var(--card)}
        .diagnostics.warnings{border-color:var(--stale)}
        .diagnostics h2{font-size:15px;color:var(--fail)}.diagnostics.warnings h2{color:var(--stale)}
        .diagnostics pre{margin:8px 0 0;overflow-x:auto;font:12.5px/1.4 ui-monospace,Menlo,Consolas,monospace}
        .timeline{display:flex;gap:2px;margin:14px 20px 0;height:30px}
        .seg{flex-basis:0;min-width:6px;border-radius:4px;overflow:hidden;color:#fff;text-decoration:none;font-size:12px;
        display:flex;align-items:center;padding:0 6px;white-space:nowrap;background:var(--new)}
        .seg span{overflow:hidden;text-overflow:ellipsis}
        .seg.dim{opacity:.25}
        .s-up-to-date{background:var(--ok)}.s-stale{background:var(--stale)}.s-submitted{background:var(--sub)}
        .s-failed{background:var(--fail)}.s-new{background:var(--new)}.s-held{background:var(--held)}.s-unchecked{background:var(--new)}
        .layout{display:grid;grid-template-columns:250px minmax(0,1fr);gap:18px;padding:14px 20px 40px;align-items:start}
        .cast{position:sticky;top:10px;max-height:calc(100vh - 20px);overflow:auto;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px}
        .cast h2{font-size:15px}.hint{margin:2px 0 8px;color:var(--muted);font-size:12px}
        .cast ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
        .cast-item{all:unset;box-sizing:border-box;display:grid;grid-template-columns:44px 1fr;column-gap:8px;width:100%;padding:6px;border-radius:8px;cursor:pointer;border:2px solid transparent}
        .cast-item:hover{background:var(--bg)}.cast-item:focus-visible{outline:2px solid var(--sub)}
        .cast-item.on{border-color:hsl(var(--h) 65% var(--cl));background:hsl(var(--h) 55% var(--cb))}
        .cast-item .thumb{grid-row:span 4;width:44px;height:44px;object-fit:cover;border-radius:6px;background:var(--frame)}
        .cast-item a.thumb{min-width:0;min-height:0;padding:2px;font-size:9px;line-height:1.1}.cast-item a.thumb .host{display:none}
        .who .name{font-weight:650;color:hsl(var(--h) 65% var(--cl))}.kind,.uses,.note{font-size:12px;color:var(--muted)}
        .note{font-style:italic}.angles{display:flex;gap:4px;margin-top:3px}.angles .angle{width:22px;height:22px;object-fit:cover;border-radius:3px}
        .show-all{font:inherit;font-size:12px;margin-bottom:8px;padding:3px 10px;border-radius:6px;border:1px solid var(--line);background:var(--bg);color:var(--fg);cursor:pointer}
        .cards{display:flex;flex-direction:column;gap:14px;min-width:0}
        .card{display:grid;grid-template-columns:300px minmax(0,1fr);gap:16px;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px;scroll-margin-top:10px}
        .card[hidden]{display:none}
        .card.later{content-visibility:auto;contain-intrinsic-size:auto 330px}
        .framebox{display:flex;justify-content:center;align-items:flex-start}
        .frame{background:var(--frame);border-radius:6px;overflow:hidden;display:flex;align-items:center;justify-content:center;position:relative}
        .frame.a16x9{width:100%;aspect-ratio:16/9}.frame.a1x1{width:60%;aspect-ratio:1/1}.frame.a9x16{width:34%;aspect-ratio:9/16}
        .frame img,.frame video{width:100%;height:100%;object-fit:contain;display:block;background:#000}
        .blank{color:var(--muted);font-size:12px}
        .line{display:flex;flex-wrap:wrap;align-items:center;gap:8px}
        .line h2{font-size:18px;margin-right:4px;word-break:break-all}
        .pill{font-size:12px;padding:1px 8px;border-radius:99px;border:1px solid var(--line);color:var(--muted)}
        .state{font-size:12px;padding:2px 9px;border-radius:99px;color:#fff;font-weight:600}
        .reason{margin:6px 0 0;font-size:13px;color:var(--muted)}
        .prose{margin:10px 0;white-space:pre-wrap;overflow-wrap:anywhere}
        .chip{white-space:nowrap;padding:0 6px;border-radius:6px;font-weight:600;color:hsl(var(--h) 65% var(--cl));background:hsl(var(--h) 55% var(--cb))}
        .chip .t{font-weight:500;font-size:.86em;opacity:.85}
        .chip.unknown{color:var(--fail);background:transparent;border:1px dashed var(--fail)}
        .sent{display:flex;flex-wrap:wrap;gap:10px}
        .pic{margin:0;padding:6px;border-radius:8px;background:hsl(var(--h) 55% var(--cb))}
        .pic .imgs{display:flex;gap:4px;align-items:flex-end}
        .pic .front{height:92px;max-width:150px;object-fit:contain;border-radius:4px;display:block}
        .pic .small{display:flex;flex-direction:column;gap:4px}
        .pic .angle{height:44px;max-width:60px;object-fit:contain;border-radius:3px;display:block}
        .pic figcaption{font-size:12px;margin-top:4px;color:hsl(var(--h) 65% var(--cl))}
        a.remote{display:flex;flex-direction:column;justify-content:center;align-items:center;min-width:70px;min-height:44px;padding:4px;border:1px dashed var(--muted);border-radius:4px;color:var(--muted);font-size:11px;text-decoration:none;text-align:center}
        a.remote .host{font-size:10px;word-break:break-all}
        .frame a.remote{width:100%;height:100%;border:0}
        .pic a.remote.front{display:flex;width:92px;height:92px}.pic a.remote.angle{display:flex;width:44px;height:44px;font-size:8px}
        .pic a.remote.angle .host{display:none}
        .animatic{position:fixed;inset:0;background:rgba(0,0,0,.92);color:#eee;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:10px;padding:16px;z-index:10}
        .animatic[hidden]{display:none}
        .stage{width:min(94vw,1100px);height:min(66vh,620px);display:flex;align-items:center;justify-content:center}
        .aframe{background:#000;overflow:hidden;display:flex;align-items:center;justify-content:center;max-width:100%;max-height:100%;outline:1px solid #444}
                .aframe img,.aframe video{width:100%;height:100%;object-fit:contain}
        .aframe a.remote{color:#aaa;border:0}
        .abar{display:flex;gap:14px;align-items:center;font-variant-numeric:tabular-nums}
        .abar button{font:inherit;padding:4px 12px;border-radius:6px;border:1px solid #666;background:#222;color:#eee;cursor:pointer}
        .ashot{font-weight:650}.aclock{font-size:20px}
        .acaption{max-width:min(94vw,900px);margin:0;text-align:center;font-size:15px;white-space:pre-wrap}
        .empty{color:var(--muted)}
        @media (max-width:760px){
        .layout{grid-template-columns:1fr;padding:10px}.cast{position:static;max-height:none}
        .card{grid-template-columns:1fr}.timeline,.diagnostics{margin-left:10px;margin-right:10px}.top{padding:12px 10px}
        .frame.a16x9{width:100%}.frame.a1x1{width:70%}.frame.a9x16{width:45%}
        .cast ul{flex-direction:row;flex-wrap:wrap}.cast li{flex:0 0 auto}
        .cast-item{width:auto;grid-template-columns:28px auto;align-items:center;padding:4px 8px 4px 4px}
        .cast-item .thumb{grid-row:auto;width:28px;height:28px}.cast-item .note,.cast-item .uses,.cast-item .angles{display:none}}
        """

    /// The page's behaviour: filter by cast, the animatic, and the live reload of `--serve`.
    static let script = """
        (function(){
        "use strict";
        var cards=Array.prototype.slice.call(document.querySelectorAll(".card[data-shot]"));
        var segs=Array.prototype.slice.call(document.querySelectorAll(".timeline .seg"));
        var castItems=Array.prototype.slice.call(document.querySelectorAll(".cast-item"));
        var showAll=document.querySelector(".show-all");
        var filter=null;
        function applyFilter(){
          var shown={};
          cards.forEach(function(c){var on=!filter||c.getAttribute("data-refs").indexOf(" "+filter+" ")>=0;c.hidden=!on;shown[c.getAttribute("data-shot")]=on;});
          segs.forEach(function(s){s.classList.toggle("dim",!shown[s.getAttribute("data-shot")]);});
          castItems.forEach(function(b){b.classList.toggle("on",b.getAttribute("data-cast")===filter);});
          if(showAll)showAll.hidden=!filter;
        }
        castItems.forEach(function(b){b.addEventListener("click",function(e){e.preventDefault();var n=b.getAttribute("data-cast");filter=filter===n?null:n;applyFilter();});});
        if(showAll)showAll.addEventListener("click",function(){filter=null;applyFilter();});
        var box=document.getElementById("animatic"),frame=box.querySelector(".aframe"),clockEl=box.querySelector(".aclock"),
            nameEl=box.querySelector(".ashot"),caption=box.querySelector(".acaption"),pauseBtn=box.querySelector(".apause");
        var plan=[],total=0,index=-1,elapsed=0,last=0,raf=0,paused=false;
        function fmt(t){var m=Math.floor(t/60),s=t-m*60;return m+":"+(s<10?"0":"")+s.toFixed(1);}
        function plainProse(card){var p=card.querySelector(".prose").cloneNode(true);Array.prototype.forEach.call(p.querySelectorAll(".t"),function(t){t.remove();});
          Array.prototype.forEach.call(p.querySelectorAll(".n"),function(n){n.textContent="@"+n.textContent;});return p.textContent;}
        function show(i){
          index=i;var s=plan[i];frame.textContent="";frame.className="aframe a"+s.aspect.replace(":","x");fit();
          var v=s.card.querySelector(".frame video"),pic=s.card.querySelector(".frame [data-start]");
          if(v){var nv=document.createElement("video");nv.src=v.getAttribute("src");nv.muted=true;nv.playsInline=true;nv.autoplay=true;frame.appendChild(nv);var pr=nv.play();if(pr&&pr.catch)pr.catch(function(){});}
          else if(pic){frame.appendChild(pic.cloneNode(true));}
          else{var b=document.createElement("span");b.className="blank";b.textContent="no picture";frame.appendChild(b);}
          nameEl.textContent=s.name+" · "+s.duration+" s · "+s.aspect;caption.textContent=plainProse(s.card);
        }
        function fit(){
          if(index<0)return;var p=plan[index].aspect.split(":"),r=(Number(p[0])||16)/(Number(p[1])||9),st=box.querySelector(".stage"),w=st.clientWidth,h=st.clientHeight;
          if(w/h>r){w=h*r;}else{h=w/r;}frame.style.width=Math.floor(w)+"px";frame.style.height=Math.floor(h)+"px";
        }
        window.addEventListener("resize",fit);
        function tick(now){
          if(!paused){elapsed+=(now-last)/1000;}last=now;
          if(elapsed>=total){stop();return;}
          var i=0;while(i<plan.length-1&&elapsed>=plan[i].end)i++;
          if(i!==index)show(i);
          clockEl.textContent=fmt(elapsed)+" / "+fmt(total);
          raf=requestAnimationFrame(tick);
        }
        function play(){
          var visible=cards.filter(function(c){return !c.hidden;});if(!visible.length)return;
          plan=[];total=0;visible.forEach(function(c){var d=Number(c.getAttribute("data-duration"))||5;total+=d;
            plan.push({card:c,name:c.getAttribute("data-shot"),duration:d,aspect:c.getAttribute("data-aspect"),end:total});});
          index=-1;elapsed=0;paused=false;pauseBtn.textContent="Pause";box.hidden=false;last=performance.now();show(0);raf=requestAnimationFrame(tick);
        }
        function stop(){cancelAnimationFrame(raf);box.hidden=true;frame.textContent="";index=-1;}
        document.getElementById("play").addEventListener("click",play);
        box.querySelector(".aclose").addEventListener("click",stop);
        pauseBtn.addEventListener("click",function(){paused=!paused;pauseBtn.textContent=paused?"Resume":"Pause";
          var v=frame.querySelector("video");if(v){if(paused)v.pause();else{var pr=v.play();if(pr&&pr.catch)pr.catch(function(){});}}});
        document.addEventListener("keydown",function(e){if(e.key==="Escape"&&!box.hidden)stop();});
        var version=document.body.getAttribute("data-serve-version");
        if(version!==null){
          var busy=false;
          setInterval(function(){if(busy)return;busy=true;
            fetch("/version",{cache:"no-store"}).then(function(r){return r.text();}).then(function(v){busy=false;if(v.trim()!==version)location.reload();},function(){busy=false;});},400);
        }
        window.shotcBoardReady=performance.now();
        })();
        """
}
