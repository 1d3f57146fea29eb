document.documentElement.classList.add("js");
function markOf(el){return el&&el.closest?el.closest("mark.fig"):null}
function setOpen(m,open){
 m.classList.toggle("open",open);
 m.querySelector(".figbtn").setAttribute("aria-expanded",open?"true":"false");
 if(open){var p=m.querySelector(".pop");if(p.scrollIntoView)p.scrollIntoView({block:"nearest"});}
}
function closeOthers(keep){document.querySelectorAll("mark.fig.open").forEach(function(m){if(m!==keep)setOpen(m,false)})}
function closeAndReturn(m){setOpen(m,false);m.querySelector(".figbtn").focus()}
document.addEventListener("click",function(e){
 var t=e.target,m=markOf(t);
 if(!m)return;
 if(t.closest(".figbtn")){var o=!m.classList.contains("open");closeOthers(m);setOpen(m,o);}
 else if(t.closest(".pclose")){closeAndReturn(m);}
 else if(t.closest(".more")){var b=t.closest(".more");
  b.setAttribute("aria-expanded",b.getAttribute("aria-expanded")==="true"?"false":"true");
  var p=m.querySelector(".pop");if(p.scrollIntoView)p.scrollIntoView({block:"nearest"});}
});
document.addEventListener("keydown",function(e){
 if(e.key!=="Escape"&&e.key!=="Esc")return;
 var m=markOf(document.activeElement);
 if(!(m&&m.classList.contains("open")))m=document.querySelector("mark.fig.open");
 if(m){e.preventDefault();closeAndReturn(m);}
});
function openTarget(){
 var id=decodeURIComponent(location.hash.slice(1)),el=id&&document.getElementById(id),m=markOf(el);
 if(!m)return;
 closeOthers(m);setOpen(m,true);m.querySelector(".figbtn").focus({preventScroll:true});
}
window.addEventListener("hashchange",openTarget);
openTarget();
